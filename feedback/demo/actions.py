"""Demo 'you said, we did' actions: a few for each audience, published and not.

Invented, like the rest of the demo. Each is linked to a question of the
audience's survey and, when the demo's fitted themes have one that matches, to
the theme of the comments it answers (found by its label and keywords, since
theme numbers depend on the fit). Run after the themes are fitted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Action, RagStatus, Survey
from feedback.services.actions import ActionDetails, LinkChoice, create_action
from feedback.services.themes import current_run
from surveys import Audience

B, G, A, R = RagStatus.BLUE, RagStatus.GREEN, RagStatus.AMBER, RagStatus.RED


@dataclass(frozen=True)
class DemoAction:
    audience: Audience
    title: str
    you_said: str
    owner: str
    #: days from today (negative: in the past); None for no date
    due: int | None
    status: RagStatus
    public_said: str
    public_did: str
    published: bool
    #: (survey key, question key, words that find the theme, or "" for the question only)
    links: tuple[tuple[str, str, str], ...]
    evidence: str = ""


DEMO_ACTIONS = (
    DemoAction(Audience.STAFF, "Cap caseloads in the assessment teams",
               "Caseloads are the change staff most often ask for; the share who can manage "
               "their workload has fallen for two years.", "Head of Assessment", 45, A,
               "You told us caseloads are too high to give children the time they need.",
               "We are recruiting six permanent social workers and will hold assessment "
               "caseloads at 18 children each.", True,
               (("staff-annual", "most_difference", "caseload"),
                ("staff-annual", "workload_manageable", "")),
               "Recruitment campaign launched; four of six posts offered. Caseload report "
               "to the Improvement Board monthly."),
    DemoAction(Audience.STAFF, "Protected monthly supervision", "Supervision is cancelled "
               "or rushed, and feels like a case-list read-through.", "Principal Social Worker",
               -40, B, "You told us supervision was often cancelled or rushed.",
               "Every social worker now has a protected supervision slot each month, and "
               "group supervision is back.", True,
               (("staff-annual", "most_difference", "supervision"),
                ("staff-annual", "supervision_regular", "")),
               "Supervision audit: 92% of monthly sessions held in the last quarter."),
    DemoAction(Audience.STAFF, "Fewer agency team managers", "Teams lose their way each "
               "time an agency manager leaves.", "Director of Children's Services", 120, G,
               "You told us managers change too often because so many are agency staff.",
               "We are offering permanent contracts and a career pathway to our team "
               "managers.", True, (("staff-annual", "most_difference", "agency"),
                      ("staff-annual", "manager_available", ""))),
    DemoAction(Audience.STAFF, "Simplify case recording", "The case management system "
               "takes too long and duplicates forms.", "Business Systems Manager", -20, R,
               "You told us the recording system takes time away from children.",
               "We are removing duplicate forms from the case recording system.", False,
               (("staff-annual", "most_difference", "system"),
                ("staff-annual", "systems_support", ""))),
    DemoAction(Audience.FAMILIES, "Plain-English letters and plans", "Families say "
               "letters and plans are full of jargon.", "Practice Standards Lead", -60, B,
               "You told us our letters and plans were hard to understand.",
               "We have rewritten our letters and plan templates in plain English, with "
               "families checking them.", True,
               (("families-feedback", "could_be_better", "jargon"),
                ("families-feedback", "explained_clearly", ""))),
    DemoAction(Audience.FAMILIES, "Call back within two working days", "Families cannot "
               "reach their worker and calls are not returned.", "Service Manager, Front Door",
               30, G, "You told us it was hard to get hold of your worker.",
               "We are making sure every call or message gets a reply within two working "
               "days.", True,
               (("families-feedback", "could_be_better", "call"),
                ("families-feedback", "worker_reliable", ""))),
    DemoAction(Audience.FAMILIES, "Tell families when their worker changes", "Changes of "
               "worker happen without families being told.", "Head of Service", 10, A,
               "You told us your worker sometimes changed without anyone telling you.",
               "We will always tell you who your new worker is and introduce them.", False,
               (("families-feedback", "could_be_better", "worker"),
                ("families-feedback", "worker_reliable", ""))),
    DemoAction(Audience.FOSTER_CARERS, "Allowances paid on time", "Allowances are late "
               "or hard to understand.", "Fostering Finance Officer", -30, B,
               "You told us allowances were late and confusing.",
               "Allowances are now paid on the same day every month, with a clear "
               "statement.", True,
               (("foster-carers", "support_comments", "allowance"),
                ("foster-carers", "allowances_on_time", ""))),
    DemoAction(Audience.FOSTER_CARERS, "Out-of-hours support line", "Carers have no one to "
               "call in a crisis at night or at weekends.", "Fostering Team Manager", 60, G,
               "You told us you needed help in the evenings and at weekends.",
               "We are setting up a support line for foster carers, staffed by our own "
               "social workers, every evening and weekend.", True,
               (("foster-carers", "out_of_hours_support", ""),)),
    DemoAction(Audience.FOSTER_CARERS, "Peer support groups", "Carers want to meet other "
               "carers.", "Fostering Recruitment Officer", -15, A,
               "You told us you wanted to meet other foster carers.",
               "We are starting monthly coffee mornings in three areas.", False,
               (("foster-carers", "support_comments", "peer"),
                ("foster-carers", "voice_heard", ""))),
    DemoAction(Audience.YOUNG_PEOPLE, "Keep the same social worker", "Young people say "
               "their social worker keeps changing.", "Head of Children in Care", 90, A,
               "You said your social worker changes too often.",
               "We are hiring more social workers. This will help you keep the same one "
               "for longer.", True,
               (("young-people-11-17", "change_one_thing", "social"),
                ("young-people-11-17", "know_social_worker", ""))),
    DemoAction(Audience.YOUNG_PEOPLE, "Young people choose how their review works",
               "Reviews feel like meetings about them, not with them.",
               "Independent Reviewing Service Manager", -50, B,
               "You said your review meetings were boring and about you, not with you.",
               "Now you can choose where your review is, who comes, and if you want to "
               "lead it.", True,
               (("young-people-11-17", "change_one_thing", "meeting"),
                ("young-people-11-17", "say_in_reviews", ""))),
    DemoAction(Audience.YOUNG_PEOPLE, "More time with family", "Children want to see their "
               "family more.", "Contact Service Manager", 40, G,
               "You said you want to see your family more.",
               "We are looking at every plan to find more time for you to see your "
               "family.", True,
               (("young-people-8-11", "change_one_thing", "family"),
                ("young-people-8-11", "see_family_enough", ""))),
    DemoAction(Audience.YOUNG_PEOPLE, "Phone and data allowance", "Older young people "
               "cannot keep in touch without data.", "Head of Children in Care", -10, R,
               "You said you need phone data to keep in touch.",
               "We are working on a phone data allowance for young people aged 13 to 17.",
               False, (("young-people-11-17", "change_one_thing", "phone"),
                       ("young-people-11-17", "see_family_enough", ""))),
    DemoAction(Audience.CARE_LEAVERS, "A named housing officer for care leavers",
               "Care leavers struggle to find somewhere suitable to live.",
               "Leaving Care Team Manager", 75, G,
               "You told us finding a good place to live is hard.",
               "Each care leaver will have a named housing officer to help them find a "
               "home.", True,
               (("care-leavers", "could_be_better", "housing"),
                ("care-leavers", "housing_right", ""))),
    DemoAction(Audience.CARE_LEAVERS, "Council tax exemption", "Money is tight in the "
               "first years after leaving care.", "Leaving Care Team Manager", -90, B,
               "You told us money is tight when you first live on your own.",
               "Care leavers up to 25 no longer pay council tax here.", True,
               (("care-leavers", "could_be_better", "money"),
                ("care-leavers", "enough_money", ""))),
    DemoAction(Audience.CARE_LEAVERS, "Drop-in for care leavers", "Care leavers feel "
               "lonely.", "Participation Lead", 20, A,
               "You told us you sometimes feel lonely.",
               "We are opening a weekly drop-in with food, run with care leavers.", False,
               (("care-leavers", "could_be_better", "lonel"),
                ("care-leavers", "feel_lonely", ""))),
)


def _theme_number(survey: Survey, question_key: str, words: str) -> int | None:
    """The current theme whose label or keywords contain ``words``, if any."""
    run = current_run(survey, question_key)
    for theme in run.themes if run else ():
        text = " ".join([theme.label, *theme.keywords]).lower()
        if not theme.is_non_answer and theme.merged_into is None and words in text:
            return theme.number
    return None


def _links(spec: DemoAction, surveys: dict[str, Survey]) -> list[LinkChoice]:
    links = []
    for survey_key, question_key, words in spec.links:
        survey = surveys.get(survey_key)
        if survey is None:
            continue
        number = _theme_number(survey, question_key, words) if words else None
        if words and number is None:
            continue  # no theme like it in this fit: the other link says what it answers
        links.append(LinkChoice(survey_key, question_key, number))
    return links


def create_demo_actions(today: dt.date) -> int:
    """Record the demo actions once (none when any action exists); returns how many."""
    if db.session.scalar(select(Action.id).limit(1)) is not None:
        return 0
    surveys = {s.key: s for s in db.session.scalars(select(Survey))}
    made = 0
    for spec in DEMO_ACTIONS:
        details = ActionDetails(
            title=spec.title, owner=spec.owner, status=spec.status.value,
            due_on=today + dt.timedelta(days=spec.due) if spec.due is not None else None,
            you_said=spec.you_said, evidence=spec.evidence, public_said=spec.public_said,
            public_did=spec.public_did, published=spec.published)
        action = create_action(spec.audience.value, details, _links(spec, surveys), today)
        if spec.status is RagStatus.BLUE and spec.due is not None:
            action.completed_on = today + dt.timedelta(days=min(spec.due, 0))
        made += 1
    return made
