"""Theme runs in the app: fitting, updating with new waves, refitting, and jobs."""

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from sqlalchemy import func, select

from feedback.demo import load_demo
from feedback.demo.generate import generate_demo
from feedback.extensions import db
from feedback.models import Answer, CommentTheme, Embedding, Response, ThemeRun, Wave
from feedback.services.library import get_survey
from feedback.services.themes import (
    DatabaseEmbeddingCache,
    comments_for,
    current_run,
    load_model,
    refresh_question,
)

TODAY = dt.date(2026, 11, 25)


#: surveys whose demo responses these tests load (the rest would only slow them down)
SURVEYS = {"young-people-11-17", "young-people-4-7", "care-leavers", "foster-carers"}


@pytest.fixture(scope="module")
def demo_data():
    data = generate_demo(1, TODAY)
    return replace(data, responses=[r for r in data.responses if r.survey_key in SURVEYS])


@pytest.fixture
def demo_db(app_ctx, demo_data):
    load_demo(demo_data, 1)
    return app_ctx


def assignments(run):
    return dict(db.session.execute(select(CommentTheme.answer_id, CommentTheme.theme_number)
                                   .where(CommentTheme.run_id == run.id)).all())


def test_a_first_refresh_assigns_every_comment_to_one_theme(demo_db):
    survey = get_survey("young-people-11-17")
    result = refresh_question(survey, "change_one_thing", backend="tfidf", seed=0)
    run = result.run
    assert result.action == "fitted" and run.status == "done"
    comments = comments_for(survey, "change_one_thing")
    assigned = assignments(run)
    assert set(assigned) == {c.answer_id for c in comments}
    numbers = {t.number for t in run.themes}
    assert set(assigned.values()) <= numbers
    assert sum(t.size for t in run.themes) == len(comments) == run.n_comments
    assert abs(sum(t.share for t in run.themes) - 1) < 1e-6
    answers = [t for t in run.themes if not t.is_non_answer]
    assert answers and all(t.label and t.keywords and t.quotes for t in answers)
    assert run.wave_keys == ["young-people-11-17-2025", "young-people-11-17-2026"]


def test_refresh_without_new_comments_changes_nothing(demo_db):
    survey = get_survey("care-leavers")
    first = refresh_question(survey, "helped_most", backend="tfidf").run
    again = refresh_question(survey, "helped_most", backend="tfidf")
    assert again.action == "unchanged" and again.run.id == first.id


def add_later_wave(survey_key: str, question_key: str, texts: list[str]) -> Wave:
    """A new wave of the survey with one response per text."""
    from feedback.services.waves import create_wave

    wave = create_wave(survey_key, f"{survey_key}-later", "Later", TODAY, TODAY)
    for i, text in enumerate(texts):
        response = Response(wave=wave, version=wave.version, submitted_on=TODAY,
                            idempotency_key=f"later-{i}", language="en")
        response.answers.append(Answer(question_key=question_key, text=text))
        db.session.add(response)
    db.session.commit()
    return wave


def test_a_later_wave_joins_the_existing_themes_and_keeps_their_names(demo_db):
    survey = get_survey("young-people-11-17")
    run = refresh_question(survey, "change_one_thing", backend="tfidf").run
    renamed = next(t for t in run.themes if not t.is_non_answer)
    renamed.label = "Named by the participation lead"
    db.session.commit()
    before = assignments(run)
    add_later_wave("young-people-11-17", "change_one_thing",
                   ["my social worker keeps changing", "nothing", "more time with my mum"])
    result = refresh_question(survey, "change_one_thing", backend="tfidf")
    assert result.action == "updated" and result.assigned == 3 and result.run.id == run.id
    after = assignments(result.run)
    assert len(after) == len(before) + 3
    assert {k: after[k] for k in before} == before  # nobody was moved
    assert renamed.label == "Named by the participation lead"
    assert "young-people-11-17-later" in result.run.wave_keys
    assert sum(t.size for t in result.run.themes) == len(after)


def test_a_refit_matches_old_themes_and_keeps_names_people_gave(demo_db):
    survey = get_survey("foster-carers")
    first = refresh_question(survey, "support_comments", backend="tfidf", seed=0).run
    biggest = max((t for t in first.themes if not t.is_non_answer), key=lambda t: t.size)
    biggest.label = "Support from my supervising social worker"
    db.session.commit()
    result = refresh_question(survey, "support_comments", backend="tfidf", seed=0, refit=True)
    assert result.action == "refitted" and result.run.previous_id == first.id
    # same seed, same data: the same themes, so the name given to one carries over
    labels = {t.label for t in result.run.themes}
    assert "Support from my supervising social worker" in labels
    assert result.new_themes == () and result.gone_themes == ()
    assert current_run(survey, "support_comments").id == result.run.id


def test_a_tampered_model_is_not_loaded_and_the_themes_are_refitted(demo_db):
    survey = get_survey("care-leavers")
    run = refresh_question(survey, "could_be_better", backend="tfidf").run
    assert load_model(run.model) is not None
    run.model = run.model[:32] + b"\x80\x04evil"
    db.session.commit()
    assert load_model(run.model) is None
    result = refresh_question(survey, "could_be_better", backend="tfidf")
    assert result.action == "refitted"


def test_an_unknown_question_is_a_clear_error(demo_db):
    from feedback.services import Conflict

    with pytest.raises(Conflict, match="has no free-text question 'feel_safe'"):
        refresh_question(get_survey("young-people-8-11"), "feel_safe")


def test_the_embedding_cache_stores_float32_vectors_by_hash(app_ctx):
    cache = DatabaseEmbeddingCache("test-model")
    cache.put_many({"a" * 64: np.array([0.5, -1.0, 2.0]), "b" * 64: np.array([1.0, 0, 0])})
    cache.put_many({"a" * 64: np.array([9.0, 9.0, 9.0])})  # already there: kept as it was
    found = cache.get_many(["a" * 64, "c" * 64])
    assert list(found) == ["a" * 64]
    assert found["a" * 64].dtype == np.float32
    assert found["a" * 64].tolist() == [0.5, -1.0, 2.0]
    assert db.session.scalar(select(func.count()).select_from(Embedding)) == 2


def test_minilm_runs_embed_each_distinct_text_once(demo_db):
    pytest.importorskip("sentence_transformers")
    survey = get_survey("young-people-4-7")
    refresh_question(survey, "tell_us", backend="minilm")
    stored = db.session.scalar(select(func.count()).select_from(Embedding))
    assert stored > 0
    refresh_question(survey, "tell_us", backend="minilm", refit=True)
    assert db.session.scalar(select(func.count()).select_from(Embedding)) == stored


def test_cli_refresh_and_list(runner, demo_db):
    result = runner.invoke(args=["themes", "refresh", "--survey", "care-leavers",
                                 "--backend", "tfidf"])
    assert result.exit_code == 0, result.output
    assert "care-leavers helped_most: fitted" in result.output
    listing = runner.invoke(args=["themes", "list", "--survey", "care-leavers"]).output
    assert "helped_most:" in listing and "keywords:" in listing
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == 2


def test_background_needs_redis(runner, demo_db):
    result = runner.invoke(args=["themes", "refresh", "--background"])
    assert result.exit_code == 1 and "CHORUS_REDIS_URL" in result.output


def test_jobs_run_inline_without_redis(app_ctx, demo_db):
    from feedback import jobs

    done = jobs.submit("themes.refresh", survey_key="care-leavers",
                       question_key="helped_most", backend="tfidf")
    assert not done.queued and "helped_most: fitted" in done.result


def test_jobs_go_through_rq_on_redis(app, demo_db, database_url, monkeypatch):
    redis = pytest.importorskip("redis")
    from rq import Queue, SimpleWorker

    from feedback import jobs

    url = "redis://127.0.0.1:6379/15"
    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    connection.flushdb()
    app.config["REDIS_URL"] = url
    monkeypatch.setenv("CHORUS_DATABASE_URL", database_url)
    monkeypatch.setenv("CHORUS_SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setenv("CHORUS_INSTANCE_PATH", app.instance_path)
    submitted = jobs.submit("themes.refresh", survey_key="care-leavers",
                            question_key="helped_most", backend="tfidf")
    assert submitted.queued and submitted.job_id
    worker = SimpleWorker([Queue(jobs.QUEUE, connection=connection)], connection=connection)
    assert worker.work(burst=True)
    db.session.expire_all()
    run = current_run(get_survey("care-leavers"), "helped_most")
    assert run is not None and run.status == "done"
    connection.flushdb()
