"""Waves of a survey: create one with dates and target head-counts, open and close it,
and make invitation codes to print. Every view needs :attr:`Permission.MANAGE_SURVEYS`.

Invitation codes are shown once, on the page that makes them: only their hashes
are stored, so nobody (not even an administrator) can see them again.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from feedback.admin import bp
from feedback.admin.survey_forms import (
    ConfirmForm,
    InvitationForm,
    ReopenForm,
    target_field_name,
    wave_form,
)
from feedback.admin.surveys import MANAGE, _survey
from feedback.auth.roles import requires
from feedback.extensions import db
from feedback.models import Survey, Wave
from feedback.services import Conflict, NotFound, survey_editor
from feedback.services.clock import today


def _wave(survey: Survey, wave_key: str) -> Wave:
    try:
        return survey_editor.find_wave(survey, wave_key)
    except NotFound:
        abort(404)


def _back(survey: Survey):
    return redirect(url_for("admin.surveys_view", survey_key=survey.key, _anchor="waves"))


@bp.route("/surveys/<survey_key>/waves/new", methods=["GET", "POST"])
@requires(MANAGE)
def surveys_wave_new(survey_key: str):
    survey = _survey(survey_key)
    published = survey_editor.published_version(survey)
    segments = survey_editor.segment_targets(published.parsed()) if published else []
    form = wave_form(segments)()
    draft = survey_editor.draft_version(survey)
    if form.validate_on_submit():
        targets: dict[str, dict[str, int]] = {}
        for segment, question in segments:
            for choice in question.choices:
                count = form[target_field_name(segment, choice.value)].data
                if count is not None:
                    targets.setdefault(segment, {})[choice.value] = count
        try:
            wave = survey_editor.new_wave(
                survey, form.key.data or "", form.title.data or "", form.opens_on.data,
                form.closes_on.data, targets, form.target_total.data,
                bool(form.requires_code.data))
        except Conflict as e:
            message = str(e)
            field = (form.closes_on if "close" in message else
                     form.key if "key" in message or "exists" in message else None)
            if field is None:
                flash(message, "error")
            else:
                field.errors = [message]
        else:
            db.session.commit()
            flash(f"Created the wave {wave.title}, open from {wave.opens_on:%-d %B %Y} "
                  f"to {wave.closes_on:%-d %B %Y}.", "success")
            return _back(survey)
    return render_template("admin/surveys/wave_new.html", survey=survey, form=form,
                           segments=segments, draft=draft, published=published,
                           target_field_name=target_field_name
                           ), (400 if form.errors else 200)


@bp.post("/surveys/<survey_key>/waves/<wave_key>/open")
@requires(MANAGE)
def surveys_wave_open(survey_key: str, wave_key: str):
    survey = _survey(survey_key)
    wave = _wave(survey, wave_key)
    form = ReopenForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        survey_editor.open_now(wave, today(), form.closes_on.data)
    except Conflict as e:
        flash(str(e), "error")
    else:
        db.session.commit()
        flash(f"{wave.title} is open until {wave.closes_on:%-d %B %Y}.", "success")
    return _back(survey)


@bp.post("/surveys/<survey_key>/waves/<wave_key>/close")
@requires(MANAGE)
def surveys_wave_close(survey_key: str, wave_key: str):
    survey = _survey(survey_key)
    wave = _wave(survey, wave_key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        survey_editor.close_now(wave, today())
    except Conflict as e:
        flash(str(e), "error")
    else:
        db.session.commit()
        flash(f"Closed {wave.title}: answers are refused from today.", "success")
    return _back(survey)


@bp.route("/surveys/<survey_key>/waves/<wave_key>/invitations", methods=["GET", "POST"])
@requires(MANAGE)
def surveys_wave_invitations(survey_key: str, wave_key: str):
    survey = _survey(survey_key)
    wave = _wave(survey, wave_key)
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            codes = survey_editor.make_invitations(wave, form.count.data or 0, today())
        except Conflict as e:
            form.count.errors = [str(e)]
        else:
            db.session.commit()
            # Rendered here and never again: the codes themselves are not stored.
            response = render_template("admin/surveys/codes.html", survey=survey, wave=wave,
                                       codes=codes)
            return response, 200, {"Cache-Control": "no-store"}
    made, used = survey_editor.invitation_status(wave)
    return render_template("admin/surveys/invitations.html", survey=survey, wave=wave,
                           form=form, made=made, used=used), (400 if form.errors else 200)
