"""Grade and province labels come from the registry, the same on every page that shows them."""

from __future__ import annotations

from partnership.registry.models import GRADE_INDEX, grade_choices, grade_range_label
from partnership.registry.provinces import province_name

P4, P6 = GRADE_INDEX["p4"], GRADE_INDEX["p6"]


def test_grade_range_and_choices():
    assert grade_range_label(P4, P6) == "ป.4–ป.6"
    assert grade_range_label(P4, P6, "en") == "P4–P6"
    assert grade_choices("en")[0] == (0, "K1") and grade_choices()[-1] == (14, "ม.6")


def test_province_name_in_both_languages_and_unknown_codes():
    assert province_name("40") == "ขอนแก่น"
    assert province_name("40", "en") == "Khon Kaen"
    assert province_name("00", "en") == "00"


def test_programme_pages_use_the_registry_labels(client, make_programme):
    programme = make_programme(min_grade=P4, max_grade=P6, province_codes="40,30")
    client.post("/language", data={"lang": "th"})
    page = client.get(f"/programmes/{programme.id}").text
    assert "ป.4–ป.6" in page and "ขอนแก่น, นครราชสีมา" in page
    assert "ป.4–ป.6" in client.get("/programmes").text
    client.post("/language", data={"lang": "en"})
    page = client.get(f"/programmes/{programme.id}").text
    assert "P4–P6" in page and "Khon Kaen, Nakhon Ratchasima" in page
    assert "P4–P6" in client.get("/programmes").text
