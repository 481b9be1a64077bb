"""The pages respondents use: a survey's landing page, its question pages,
save and resume, and the thank-you page. Views parse, call a service, render."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from feedback.extensions import db
from feedback.i18n import gettext, survey_language, translate_message
from feedback.models import Draft, Response, Wave
from feedback.ratelimit import count_submission
from feedback.respond import bp
from feedback.respond.forms import build_form, question_views, raw_answers
from feedback.respond.waves import WaveRef, latest_definition, survey_and_wave
from feedback.services import Conflict, NotFound
from feedback.services.access import (
    draft_answers,
    find_draft,
    invitation_is_valid,
    resume_code,
    resume_draft,
    save_page,
    start_draft,
)
from feedback.services.clock import today
from feedback.services.help import (
    concern_on_page,
    forget,
    help_offer,
    help_on_page,
    help_on_thanks,
    note_page,
)
from feedback.services.responses import store_response
from surveys import Survey, get_type, validate_answers
from surveys.pages import estimated_minutes, next_page, page_position, plan_pages


def _language(definition: Survey) -> str:
    return survey_language(definition)


def _token(wave: WaveRef) -> str | None:
    return session.get("drafts", {}).get(str(wave.id))


def _remember(wave: WaveRef, token: str | None) -> None:
    drafts = dict(session.get("drafts", {}))
    if token is None:
        drafts.pop(str(wave.id), None)
    else:
        drafts[str(wave.id)] = token
    session["drafts"] = drafts


def _open_wave_or_page(survey_key: str):
    """The survey and its open wave, or a response explaining why it cannot be answered."""
    try:
        survey, wave, state = survey_and_wave(survey_key, today())
    except NotFound:
        abort(404)
    if state != "open":
        return survey, None, render_template("respond/not_open.html", survey=survey,
                                             wave=wave, state=state)
    return survey, wave, None


@bp.get("/<survey_key>")
def landing(survey_key: str):
    survey, wave, closed = _open_wave_or_page(survey_key)
    if closed:
        return closed
    definition = wave.definition()
    draft = find_draft(wave.id, _token(wave))
    return render_template("respond/landing.html", survey=survey, wave=wave,
                           definition=definition, draft=draft,
                           minutes=estimated_minutes(definition),
                           language=_language(definition), code_error=None)


@bp.post("/<survey_key>/start")
def start(survey_key: str):
    survey, wave, closed = _open_wave_or_page(survey_key)
    if closed:
        return closed
    definition = wave.definition()
    existing = find_draft(wave.id, _token(wave))
    if existing is not None:  # carry on rather than start again
        return _carry_on(survey.key, definition, existing)
    code = request.form.get("invitation", "").strip()
    if wave.requires_code and not invitation_is_valid(wave.id, code):
        message = (gettext("Enter the invitation code you were given") if not code else
                   gettext("This code is not right, or it has already been used"))
        return render_template("respond/landing.html", survey=survey, wave=wave,
                               definition=definition, draft=None,
                               minutes=estimated_minutes(definition),
                               language=_language(definition), code_error=message), 200
    draft, token = start_draft(wave.id, today(), _language(definition),
                               code if wave.requires_code else None)
    _remember(wave, token)
    forget(session, wave.id)  # help owed to an earlier, unsent response is not this one's
    first = next_page(definition, None, {})
    return redirect(url_for(".page", survey_key=survey.key, page_key=first.key))


@bp.route("/<survey_key>/q/<page_key>", methods=["GET", "POST"])
def page(survey_key: str, page_key: str):
    survey, wave, closed = _open_wave_or_page(survey_key)
    if closed:
        return closed
    draft = find_draft(wave.id, _token(wave))
    if draft is None:
        if request.method == "POST" and _already_sent(request.form.get("submission", "")):
            return redirect(url_for(".thanks", survey_key=survey.key))
        return redirect(url_for(".landing", survey_key=survey.key))
    definition = wave.definition()
    pages = {p.key: p for p in plan_pages(definition)}
    current = pages.get(page_key) or abort(404)
    answers = draft_answers(definition, draft)
    questions = current.visible(answers)
    if not questions:  # an earlier answer now hides this page
        return _redirect_next(survey.key, definition, page_key, answers)

    form = build_form(questions, request.form if request.method == "POST" else None,
                      answers, draft.idempotency_key)
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        result = validate_answers(definition, raw_answers(form, questions),
                                  only=[q.key for q in questions], earlier=answers)
        errors = dict(result.errors)
        # what was given on this page, checked before anything else, so the next page
        # (or the thank-you page) can offer help whatever happens below
        note_page(session, wave.id, survey.key,
                  concern_on_page(definition, questions, result.answers))
        if request.form.get("action") == "save" and definition.settings.allow_resume:
            save_page(definition, draft, page_key, result.answers, [q.key for q in questions],
                      today())
            session["resume_code"] = resume_code(draft)
            return redirect(url_for(".saved", survey_key=survey.key))
        if not errors:
            save_page(definition, draft, page_key, result.answers, [q.key for q in questions],
                      today(), commit=False)
            answers = draft_answers(definition, draft)
            if _ready_to_send(definition, page_key, answers):
                return _submit(survey.key, wave, draft, answers)
            db.session.commit()
            return _redirect_next(survey.key, definition, page_key, answers)

    language = _language(definition)
    position, total = page_position(definition, page_key, answers)
    return render_template(
        "respond/page.html", survey=survey, definition=definition, page=current, form=form,
        views=question_views(form, questions, errors, language, translate_message),
        errors=errors, position=position, total=total, language=language,
        back_url=_back_url(survey.key, draft, page_key),
        is_last=next_page(definition, page_key, answers) is None,
        shows_notice=_first_free_text_page(definition) == page_key,
        help_now=help_offer(definition) if help_on_page(session, wave.id) else None)


def _carry_on(survey_key: str, definition: Survey, draft: Draft):
    """To the page after the last one answered (the first page if it was the last)."""
    answers = draft_answers(definition, draft)
    last = (draft.path or [None])[-1]
    target = next_page(definition, last, answers) or next_page(definition, None, answers)
    return redirect(url_for(".page", survey_key=survey_key, page_key=target.key))


def _first_free_text_page(definition: Survey) -> str | None:
    for p in plan_pages(definition):
        if any(get_type(q.type).free_text for q in p.questions):
            return p.key
    return None


def _already_sent(submission: str) -> bool:
    return bool(submission) and db.session.scalar(
        select(Response.id).where(Response.idempotency_key == submission)) is not None


def _back_url(survey_key: str, draft: Draft, page_key: str) -> str:
    path = list(draft.path or [])
    if page_key in path:
        path = path[:path.index(page_key)]
    if path:
        return url_for(".page", survey_key=survey_key, page_key=path[-1])
    return url_for(".landing", survey_key=survey_key)


def _redirect_next(survey_key: str, definition: Survey, page_key: str, answers):
    """To the next page shown, else the first required question left, else the start."""
    following = next_page(definition, page_key, answers)
    if following is None:
        missing = _first_unanswered_required(definition, answers)
        if missing is None:
            return redirect(url_for(".landing", survey_key=survey_key))
        return redirect(url_for(".page", survey_key=survey_key, page_key=missing))
    return redirect(url_for(".page", survey_key=survey_key, page_key=following.key))


def _ready_to_send(definition: Survey, page_key: str, answers) -> bool:
    """Whether ``page_key`` was the last page and every required question is answered."""
    return (next_page(definition, page_key, answers) is None
            and _first_unanswered_required(definition, answers) is None)


def _submit(survey_key: str, wave: WaveRef, draft: Draft, answers):
    """Store the response; the last page's answers, the response and the draft's
    deletion are one transaction (one commit, one wait for the disk)."""
    try:
        count_submission()  # 429 past SUBMISSION_RATE_LIMIT
    except TooManyRequests:
        db.session.commit()  # the last page is kept: the draft stays to send later
        raise
    try:
        store_response(db.session.get_one(Wave, wave.id), answers, draft.idempotency_key,
                       today(), draft.language, draft=draft)
    except Conflict:
        return render_template("respond/code_used.html", survey_key=survey_key), 409
    _remember(wave, None)
    return redirect(url_for(".thanks", survey_key=survey_key))


def _first_unanswered_required(definition: Survey, answers) -> str | None:
    for p in plan_pages(definition):
        if any(q.required and answers.get(q.key) is None for q in p.visible(answers)):
            return p.key
    return None


@bp.get("/<survey_key>/saved")
def saved(survey_key: str):
    survey, wave, closed = _open_wave_or_page(survey_key)
    if closed:
        return closed
    code = session.pop("resume_code", None)
    if code is None:
        return redirect(url_for(".landing", survey_key=survey.key))
    definition = wave.definition()
    return render_template("respond/saved.html", survey=survey, wave=wave, code=code,
                           definition=definition,
                           help_now=help_offer(definition)
                           if help_on_page(session, wave.id) else None)


@bp.route("/<survey_key>/resume", methods=["GET", "POST"])
def resume(survey_key: str):
    survey, wave, closed = _open_wave_or_page(survey_key)
    if closed:
        return closed
    error = None
    if request.method == "POST":
        code = request.form.get("code", "").strip()
        found = resume_draft(wave.id, code, today()) if code else None
        if found is not None:
            draft, token = found
            _remember(wave, token)
            return _carry_on(survey.key, wave.definition(), draft)
        error = (gettext("Enter your resume code") if not code else
                 gettext("We cannot find answers saved with that code. Check it and try again."))
    return render_template("respond/resume.html", survey=survey, wave=wave, error=error,
                           definition=wave.definition())


@bp.get("/<survey_key>/thank-you")
def thanks(survey_key: str):
    try:
        survey, definition = latest_definition(survey_key)
    except NotFound:
        abort(404)
    return render_template("respond/thanks.html", survey=survey, definition=definition,
                           help_now=help_offer(definition)
                           if help_on_thanks(session, survey.key) else None)
