"""Every file export the app serves is known here: staff exports with personal data answer
``Cache-Control: private, no-store`` (``core.downloads.private_download``; each feature's tests
check its own), and a new export route fails this test until it is listed."""

from __future__ import annotations

#: Endpoints serving a CSV or Excel file -> whether it holds personal data (staff only).
EXPORTS = {
    "campaigns.ledger_csv": False,  # public: labels the donors chose to show
    "payments_staff.donations_csv": True,
    "payments_staff.donations_xlsx": True,
    "decisions.export": True,
    "screening.export_csv": True,
    "receipts.exports": True,  # e-Donation: names, addresses, tax ids
    "edonation.export": True,  # the month's e-Donation file: the same
    # public figures: sums per programme, per sponsor, a sponsor's campaigns (no donor)
    "reporting.overview_export": False,
    "reporting.sponsors_export": False,
    "reporting.sponsor_export": False,
    "reporting.provinces_export": False,  # public: the 77 provinces' figures
    "reporting.districts_export": False,  # public: a province's districts
    "reporting.key_figures_export": False,  # public: the overview's key figures
    "reporting.regions_export": False,  # public: the six regions' figures
    # public: a province page's key figures, years, applications, campaigns, outcomes, assemblies
    "reporting.province_export": False,
    "reporting.sponsor_pledges_export": False,  # public: a sponsor's pools (no donor)
    "reporting.sponsor_schools_export": False,  # public: the schools a sponsor partners
    "site_staff.worklist_export": True,  # staff's lists: refunds, disputes, donors' gifts
    "site.sponsor_dashboard_export": True,  # a sponsor's own figures: its members and staff
    "school_data_staff.export": False,  # staff's; school figures, no person in it
    "spending_staff.export": True,  # payees' tax ids
    "spending.export": False,  # public: a campaign's "What the money bought"
    "devices_staff.export": True,  # serial numbers, check-in notes
    "devices_school.export": True,  # a school's asset register
    "devices.trail_export": False,  # public: the trail's counts by kind and model
    "outcomes_staff.export": True,  # who reported and verified each figure
    "outcomes.programme_export": False,  # public: the programme page's verified figures
    "governance_sessions_staff.registrations_export": True,  # registrants' names and e-mail
}


def test_every_export_route_is_listed(app):
    found = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.endswith((".csv", ".xlsx", ".<fmt>", ":fmt>")) or "export" in rule.rule
    }
    assert found - set(EXPORTS) == set(), "a new export: list it and use private_download"
    assert {"payments_staff.donations_csv", "decisions.export", "screening.export_csv"} <= found
