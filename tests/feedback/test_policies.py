"""The privacy notice and accessibility statement: written from configuration and the
surveys' own settings, and linked from every respondent page."""

from __future__ import annotations

from feedback.extensions import db
from feedback.services.library import load_library, store_definition
from tests.factories import SMALL_SURVEY_YAML


def test_the_privacy_notice_names_the_controller_contact_and_each_surveys_retention(
        app, client):
    app.config.update(PRIVACY_CONTROLLER="Northshire County Council",
                      PRIVACY_CONTACT="dpo@northshire.example")
    with app.app_context():
        store_definition(SMALL_SURVEY_YAML.replace(
            "audience: staff", "audience: staff\nsettings: {retention_days: 365}"))
        store_definition(SMALL_SURVEY_YAML.replace("key: staff-annual", "key: other").replace(
            "title: Staff survey 2025", "title: Other survey").replace(
            "audience: staff", "audience: staff\nsettings: {retention_days: 90, "
                               "mode: identified}"))
        db.session.commit()
    page = client.get("/privacy").get_data(as_text=True)
    assert "Northshire County Council" in page
    assert 'href="mailto:dpo@northshire.example"' in page
    assert "<td>Staff survey 2025</td><td>No</td><td>1 year</td>" in page
    assert "<td>Other survey</td><td>Yes</td><td>3 months</td>" in page
    assert "not the time of day" in page and "never promise" in page


def test_the_accessibility_statement_gives_the_contact(app, client):
    app.config["ACCESSIBILITY_CONTACT"] = "access@northshire.example"
    page = client.get("/accessibility").get_data(as_text=True)
    assert "WCAG) 2.2 at level AA" in page and "access@northshire.example" in page


def test_every_respondent_page_links_to_both(app, client):
    with app.app_context():
        load_library()
        db.session.commit()
    for path in ["/", "/help", "/privacy", "/s/staff-annual", "/s/no-such-survey"]:
        page = client.get(path).get_data(as_text=True)
        assert 'href="/privacy"' in page and 'href="/accessibility"' in page, path
