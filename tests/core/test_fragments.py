"""The layout's parts kept for anonymous visitors, and the per-request catalogue of texts."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

from partnership.i18n import translations

NAV_LOGGED_IN = "Log out"


def test_an_anonymous_visitor_gets_the_kept_layout_in_each_language(app, client):
    thai = client.get("/campaigns").get_data(as_text=True)
    assert "เข้าสู่ระบบ" in thai  # "Log in", in Thai
    kept = app.extensions["layout_fragments"]
    assert {key[0] for key in kept} == {"head", "nav", "footer"}
    assert ("nav", "th", "campaigns.campaign_list") in kept
    # The same page again: the same bytes, from the kept parts.
    assert client.get("/campaigns").get_data(as_text=True) == thai
    # Another page marks its own menu item: a part per endpoint.
    programmes = client.get("/programmes").get_data(as_text=True)
    assert ("nav", "th", "programmes.programmes") in kept
    assert 'href="/programmes" aria-current="page"' in programmes
    assert 'href="/campaigns" aria-current="page"' not in programmes

    client.post("/language", data={"lang": "en", "next": "/campaigns"})
    english = client.get("/campaigns").get_data(as_text=True)
    assert "Log in" in english and "เข้าสู่ระบบ" not in english
    assert ("footer", "en", app.config["CONTACT_EMAIL"], app.config["CONTACT_PHONE"]) in kept


def test_a_signed_in_visitor_gets_their_own_menu(app, client, login_as):
    client.get("/campaigns")  # an anonymous visit keeps the parts first
    login_as("staff")
    page = client.get("/campaigns").get_data(as_text=True)
    assert NAV_LOGGED_IN in page or "ออกจากระบบ" in page
    assert "/staff" in page


def test_the_catalogue_follows_force_locale_within_a_request(app):
    with app.test_request_context("/"):
        template = "{{ _('Log in') }}"
        assert render_template_string(template) == "เข้าสู่ระบบ"
        thai = translations()
        with force_locale("en"):
            assert render_template_string(template) == "Log in"
            assert translations() is not thai
        assert render_template_string(template) == "เข้าสู่ระบบ"
        assert translations() is thai
