"""Writing generated demo data into the database, in bulk."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from feedback.demo.generate import DemoData
from feedback.extensions import db
from feedback.models import Answer, Response, Wave
from feedback.services import Conflict
from feedback.services.library import load_library
from feedback.services.responses import answer_row
from feedback.services.safeguarding import screen_unscreened
from feedback.services.waves import create_wave


def load_demo(data: DemoData, seed: int) -> dict[str, int]:
    """Store the library, the demo waves and their responses; returns counts.

    Refuses to run on a database that already has responses, so demo data
    never mixes with real answers.
    """
    if db.session.scalar(select(func.count()).select_from(Response)):
        raise Conflict("this database already has responses; demo data goes in an empty one")
    load_library()
    db.session.flush()
    definitions = {s.key: s for s in data.surveys}
    waves: dict[str, Wave] = {}
    for record in data.waves:
        existing = db.session.scalar(select(Wave).where(Wave.key == record.key))
        if existing is not None:
            raise Conflict(f"wave {record.key} already exists; use an empty database")
        waves[record.key] = create_wave(
            record.survey_key, record.key, record.title, record.opens_on, record.closes_on,
            {k: dict(v) for k, v in record.targets.items()}, record.target_total)
    db.session.flush()

    response_rows = [
        {"wave_id": waves[r.wave_key].id, "version_id": waves[r.wave_key].version_id,
         "submitted_on": r.submitted_on, "idempotency_key": f"demo-{seed}-{r.response_id}",
         "language": "en"}
        for r in data.responses]
    ids = db.session.scalars(insert(Response).returning(Response.id, sort_by_parameter_order=True),
                             response_rows).all()
    answer_rows = []
    for new_id, r in zip(ids, data.responses, strict=True):
        survey = definitions[r.survey_key]
        for key, value in r.answers.items():
            if value is not None:
                answer_rows.append({"response_id": new_id, "question_key": key,
                                    **answer_row(survey.question(key).type, value)})
    if answer_rows:
        db.session.execute(insert(Answer), answer_rows)
    # Screened as if submitted, so the safeguarding queue has its items too.
    raised = screen_unscreened()
    db.session.commit()
    return {"surveys": len(data.surveys), "waves": len(waves), "responses": len(ids),
            "answers": len(answer_rows), "safeguarding items": raised}

