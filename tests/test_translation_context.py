"""One English id, one meaning: a msgid that two features share either means the same in both
(and SAME_MEANING says why) or carries a message context, ``pgettext("donor", "From")``, for
each meaning, with its own Thai. How to mark text: docs/architecture/translations.md."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import PurePosixPath

from flask_babel import force_locale

from partnership.extensions import db
from partnership.registry.forms import PartnershipForm
from tests.paid_gifts import gift
from tests.test_translations import catalog, extracted_uses

#: Why a shared id needs no context, by kind of text.
NAVIGATION = "the name of a page or section, linked from the menu or a home page to its feature"
ACTION = "a button or link that does the same thing to whatever it sits next to"
THING = "one of the project's things (one model, one meaning) wherever it is shown"
FIELD = "a field label or column header for the same kind of value in every feature"
STATE = "a state label that means the same in every state machine it names"
SENTENCE = "a whole sentence: its words give it one meaning, and the forms check the same rule"

#: Ids used without a context by more than one feature, each with the reason one Thai text is
#: right for all of them. Add an id here only after reading every use (see the docs page); if two
#: uses mean different things, give each a context instead.
SAME_MEANING: dict[str, str] = {
    # An uploaded file with nothing in it: an attachment, an imported table of school data.
    "%(name)s is empty.": SENTENCE,
    # The last day of a date range: a campaign's, a school data collection's.
    "Last day": FIELD,
    # The registry's school data pages, linked from the staff home page (site/).
    "School data": NAVIGATION,
    # Pupils of one grade: an application's beneficiaries, a school's yearly figures.
    "Pupils in %(grade)s": FIELD,
    # The Thai academic year (ปีการศึกษา): the registry's yearly figures and outcome reports.
    "Academic year": FIELD,
    # Navigation: the menu (base.html) and the home pages (site/) name a page by its title.
    "All campaigns": NAVIGATION,
    "All-or-nothing campaigns that missed their goal": NAVIGATION,
    "Campaigns": NAVIGATION,
    "Check-ins due": NAVIGATION,
    "Committee": NAVIGATION,
    "Devices not received": NAVIGATION,
    "Donations": NAVIGATION,
    "E-mail sent": NAVIGATION,
    "e-Donation worklist": NAVIGATION,
    "Give now": NAVIGATION,
    "Log in": NAVIGATION,
    "Matching pledges": NAVIGATION,
    "Outcomes of funded projects": NAVIGATION,
    "Disbursements": NAVIGATION,
    "Campaigns below zero": NAVIGATION,
    # Money out: a campaign's budget line (what it buys) and its money spent, in campaigns,
    # spending and outcomes alike.
    "Budget item": THING,
    "Spent": FIELD,
    # The position of a step or a measure in its programme's list (ลำดับ), never a purchase.
    "Order": FIELD,
    # After funding: the day something is due (a milestone, a check-in), the day of a payment,
    # and what a disbursement bought, on the staff pages, the campaign page and the trail.
    "Due": FIELD,
    "Date": FIELD,
    "What was bought": FIELD,
    # Who did something in a history when no person did (a payment, a deadline).
    "the system": THING,
    # The province pages (reporting) name the registry's districts and regions, and outcomes'
    # measures and their figures, as those features' own pages do.
    "District": FIELD,
    "Region": FIELD,
    "Measure": FIELD,
    "Figure": FIELD,
    "Membership requests": NAVIGATION,
    "My account": NAVIGATION,
    "My applications": NAVIGATION,
    "Network applications": NAVIGATION,
    "New programme": NAVIGATION,
    "Organisations": NAVIGATION,
    "People and access": NAVIGATION,
    "Programme staff": NAVIGATION,
    "Programmes": NAVIGATION,
    "Receipts and e-Donation": NAVIGATION,
    "Record a partnership": NAVIGATION,
    "Register a school": NAVIGATION,
    "Register an organisation": NAVIGATION,
    "Schools": NAVIGATION,
    "Scoring committee": NAVIGATION,
    "Staff": NAVIGATION,
    "See every baht in the public ledger": NAVIGATION + " (the campaign's ledger)",
    # Actions.
    "Action": ACTION + " (the column of such buttons)",
    "Actions": ACTION + " (the column of such buttons)",
    "Apply": ACTION + ": apply to a programme, from its page or from the school's dashboard",
    "Apply for %(school)s": ACTION + ": apply to a programme, from its page or the dashboard",
    "Approve": ACTION,
    "Cancel": ACTION + ": leave a form without saving",
    "Decline": ACTION + ": refuse a request (membership, pledge, network admission)",
    "Download CSV": ACTION,
    # Exports: the same buttons and the same id columns in every feature's files.
    "Download Excel": ACTION,
    "Campaign number": FIELD,
    "Programme number": FIELD,
    "Disbursement": THING,
    "Paid on": FIELD,
    "Edit": ACTION,
    "Edit %(name)s": ACTION,
    "End membership": ACTION + ": a person stops acting for a school or an organisation",
    "Filter": ACTION + ": narrow a list",
    "Manage": ACTION,
    "Remove": ACTION + ": take a line, file or photo off the thing being edited",
    "Save": ACTION,
    "Save draft": ACTION,
    "Search": ACTION,
    "Show": ACTION + ": show the rows chosen above (a button, and the label of the ranking's "
    "choice of rows)",
    # Things.
    "Anonymous donor": THING,
    "Application": THING,
    "Applications": THING,
    "Attachments": THING + ": an application's files",
    "Budget": THING + ": an application's budget, or a programme's budget rules for it",
    "Campaign": THING,
    "Criterion": THING + ": a rubric criterion, defined in programmes, scored in review",
    "Delivery plan": THING + ": an application's delivery plan",
    "donor": THING + ": stands in for a donor's name in a letter",
    "Donor": THING,
    "Offline gifts": THING,
    "Organisation": THING,
    "Programme": THING,
    "Receipt": THING,
    "School": THING,
    "Sponsor": THING + ": an organisation that gives; a partnership's sponsor role and the "
    "sponsor of a matching pledge are the same organisation in the same role",
    "Summary": THING + ": an application's summary, written by the school, read by reviewers",
    "The school": THING + ": the heading over a school's details",
    "Title": THING + ": the title of an application, a campaign (made from an application) or "
    "a campaign update: the Thai ชื่อ fits each",
    # Fields and columns.
    "Note": FIELD + " (a free-text remark: on a partnership, on a device at a check-in)",
    "Raised": FIELD + " (a campaign's money in)",
    "Address": FIELD + ": a postal address (a school's, a donor's for the tax receipt)",
    "All provinces": FIELD + " (the empty choice of a province filter)",
    "All states": FIELD + " (the empty choice of a state filter)",
    "Amount": FIELD + ": a sum of money",
    "Amount (baht)": FIELD + ": a sum of money in baht",
    "anonymous on the page": FIELD + ": the donor asked not to be named on the public page",
    "Balance": FIELD + ": a campaign's running money total",
    "Choose a province": FIELD,
    "Deadline": FIELD + ": the last moment to apply to a programme",
    "Decision": FIELD + ": the outcome of a request someone considered (membership, admission, "
    "application)",
    "E-mail": FIELD + ": an e-mail address",
    "First day (Bangkok)": FIELD,
    "Goal": FIELD + ": a campaign's money goal",
    "Grades": FIELD + ": school grades (a school's range, a programme's eligible range)",
    "History": FIELD + ": the list of past changes to the thing on the page",
    "Item": FIELD + ": a budget line's item",
    "Kind": FIELD + ": the category of the row (ประเภท fits an organisation, an event and a "
    "ledger entry alike)",
    "Last day (Bangkok)": FIELD,
    "Method": FIELD + ": how an offline gift was paid (or paid back)",
    "Name": FIELD + ": the name of a person, an organisation or a security key",
    "Name in English": FIELD,
    "Name in Thai": FIELD,
    "Private sector": FIELD,
    "Profile": FIELD + ": the heading over general details (a person's, a school's)",
    "Province": FIELD,
    "Public sector": FIELD,
    "Pupils": FIELD + ": a number of pupils (a school's, an application's beneficiaries)",
    "Quantity": FIELD + ": a budget line's quantity",
    "Reason": FIELD + ": why someone did what the row records",
    "Reference": FIELD + ": an offline gift's bank or slip reference",
    "required": FIELD + ": the marker of a required form field",
    "Requested": FIELD + ": the amount an application asks for",
    "Requested (baht)": FIELD + ": the amount an application asks for",
    "Role": FIELD + ": the part someone or something plays (in a partnership, on a committee)",
    "School code": FIELD,
    "Sector": FIELD + ": public or private sector",
    "State": FIELD + ": the state of the row's thing (สถานะ for every state machine)",
    "Teachers": FIELD + ": a number of teachers (a school's, an application's beneficiaries)",
    "Time": FIELD + ": when the row happened",
    "Total": FIELD + ": a budget's total",
    "Unit price": FIELD + ": a budget line's unit price",
    "Unit price (baht)": FIELD + ": a unit price typed in baht (budget line, disbursement line)",
    "Note (optional)": FIELD + ": a free note staff add to what they decide",
    "Left": FIELD + ": money not yet used (a pledge's pool, a budget line's approved total)",
    "Your name": FIELD + ": the name of the person filling in the form",
    "Your position": FIELD + ": the job title of the person filling in the form",
    # States.
    "Committee review": STATE + ": a programme's or an application's committee stage",
    "Declined": STATE + ": a request was refused",
    "Donation": STATE + ": a ledger kind and the export's donation column both name a donation",
    "Draft": STATE + ": not yet published or submitted",
    "Approved": STATE + ": decided yes (an application; a disbursement, by a second person; a"
    " meeting's resolution)",
    "Cancelled": STATE + ": stopped before it took effect (a receipt, a disbursement, a meeting)",
    "Paid": STATE + ": the money moved (a donation, a disbursement)",
    "Ended": STATE + ": came to its end (a membership, a campaign's period, a pledge)",
    "Overdue": STATE + ": an e-Donation record past its due date (and the home page's count)",
    "Recorded": STATE + ": written into its record (an offline gift; an e-Donation record)",
    "Refund": STATE + ": money given back (a ledger kind, the refund section of a donation)",
    "Refund cancelled": STATE + ": a refund that did not happen",
    "Submitted": STATE + ": sent for review (an application, a review)",
    # Sentences.
    "Enter 0 to %(max)d.": SENTENCE,
    "Enter a date.": SENTENCE,
    "Enter a valid e-mail address.": SENTENCE,
    "From %(start)s until the end of %(end)s": SENTENCE,
    "None.": SENTENCE,
    "Online giving is not configured on this site yet.": SENTENCE,
    "Saved.": SENTENCE,
    "The amount can be at most %(max)s.": SENTENCE,
    "The amount must be more than zero.": SENTENCE,
    "Enter a whole number from 1 to %(max)s.": SENTENCE,
    "Enter an amount in baht, such as 1,500.50.": SENTENCE,
    "An organisation with this name is already registered.": SENTENCE,
    "The highest grade cannot be below the lowest.": SENTENCE,
    "The last day cannot be before the first day.": SENTENCE,
    # The reports (reporting/report_docs.py) print the columns of the pages they summarise.
    "Planned": FIELD + ": an outcome's planned figure (outcomes' table, the reports)",
    "Reported (verified)": FIELD + ": an outcome's verified figure (outcomes, the reports)",
    "Outcomes": NAVIGATION,
    "Pledged": FIELD + ": a matching pool's cap (matching's lists, the sponsor report)",
    "Used": FIELD + ": what a pool has drawn (matching's lists, the sponsor report)",
    "Ratio": FIELD + ": a pool's sponsor-to-donor ratio (matching's lists, the sponsor report)",
    "Since": FIELD + ": a partnership's first day (registry pages, the sponsor report)",
    "Until": FIELD + ": the last day of a partnership or a pool (registry, the sponsor report)",
    "ongoing": FIELD + ": a partnership with no last day (registry pages, the sponsor report)",
    # A province's page (reporting) sums the school data the registry collects, under its names.
    "Computers pupils can use": FIELD + ": a school's computers on hand (registry, provinces)",
    "Pupils in grades 4–6": FIELD + ": pupils of ป.4–ป.6 (registry, provinces)",
    "Pupils per computer": FIELD + ": pupils over computers on hand (registry, provinces)",
    # The sponsor's dashboard (site) and the sponsor's public page and report (reporting) show
    # one sponsor's figures under the same headings.
    "Devices delivered": FIELD + ": devices recorded from a paid invoice (dashboards, reports)",
    "Devices confirmed": FIELD + ": devices the school signed for (dashboards, reports)",
    "Outcome": FIELD + ": an outcome measure's name (staff lists, reports)",
    "Matched by you": FIELD + ": what this sponsor's pools gave a campaign",
    "Milestones done": FIELD + ": a funded campaign's delivery steps done of all",
    "Campaigns matched": FIELD + ": campaigns a sponsor's pools matched",
    "Partnerships": THING + ": a sponsor's partnerships with schools",
    "Covers": FIELD + ": what a matching pool covers (campaign, programme, province)",
    "Outcomes reported": FIELD + ": outcome figures reported by schools",
    # The public figures (reporting) show the same columns and filters as the features they sum.
    "All programmes": FIELD + ": a filter's choice of every programme",
    "Balance (baht)": FIELD + ": raised less spent, in an export",
    "Ratio (sponsor : donor)": FIELD + ": a matching pledge's ratio",
    "Milestones": THING + ": a funded campaign's delivery steps",
    "Matches": FIELD + ": what a matching pledge covers",
    # The staff and sponsor dashboards (site/) show the lists and figures of other features
    # under those features' own column headers and page names.
    "Event": FIELD,
    "Milestone": THING,
    "Model": FIELD,
    "Overdue milestones": NAVIGATION,
    "Review progress": NAVIGATION,
    "Serial number": FIELD,
    "Sponsor dashboard": NAVIGATION,
    "Unit": FIELD,
    # Governance (working groups, meetings) names the same roles and states as the committee,
    # the applications and the receipts: a chair, a member, the list of members.
    "Chair": THING + ": who chairs a committee, a working group or a meeting",
    "Member": THING + ": a seat on a committee or a working group",
    "Members": THING + ": the list of a committee's or working group's members",
    # governance's public sessions (issue 20): the same sentences and labels as elsewhere.
    "Enter your e-mail address.": SENTENCE,
    "Enter an e-mail address such as name@example.com.": SENTENCE,
    "Enter a date and time.": SENTENCE,
    "Description in Thai": FIELD,
    "Description in English": FIELD,
    "Dear %(name)s,": SENTENCE + " (a mail's greeting)",
    # The assemblies page (governance) and the province page's list of them (reporting).
    "Education assemblies": NAVIGATION,
    "Sitting %(number)s": THING + ": an assembly's numbered meeting",
    # The footer of every PDF document: a report's pages, the minutes' pages.
    "Page %(page)s of %(pages)s": SENTENCE,
    # Governance's minutes and the library that lists them; the forms of meetings, sessions and
    # library entries name their titles alike.
    "Read the minutes": SENTENCE,
    "PDF": FIELD + ": a document's PDF (minutes, a library entry)",
    "Title in Thai": FIELD,
    "Title in English": FIELD,
    "My action items": NAVIGATION,
    "No province": FIELD + ": a province select's empty choice (a body, a library entry)",
    # Governance's action items and delivery milestones: the same due-day wording and moves; the
    # staff dashboard (site/) shows the action items' columns.
    "Due %(date)s": SENTENCE,
    "Due %(date)s: %(num)d day overdue": SENTENCE,
    "Done on %(date)s": SENTENCE,
    "due %(date)s": SENTENCE,
    "Mark it done": ACTION,
    "Reopen it": ACTION,
    "Owner": FIELD,
    "What is to be done": FIELD,
}


def feature_of(path: str) -> str:
    """templates/<feature>/... and partnership/<feature>/... belong to that feature; the layout
    (templates/base.html, _macros.html) and the top-level modules are the core."""
    parts = PurePosixPath(path).parts
    return parts[1] if len(parts) > 2 else "core"


def _uses() -> dict[tuple[str | None, str], dict[str, list[str]]]:
    """(context, msgid) -> feature -> where it is used."""
    found: dict = defaultdict(lambda: defaultdict(list))
    for path, line, context, msgid in extracted_uses():
        found[(context, msgid)][feature_of(path)].append(f"{path}:{line}")
    return found


def _shared_without_context() -> dict[str, dict[str, list[str]]]:
    return {
        msgid: features
        for (context, msgid), features in _uses().items()
        if context is None and len(features) > 1
    }


def test_an_id_shared_by_features_has_a_context_or_a_reason():
    unexplained = {
        msgid: dict(features)
        for msgid, features in _shared_without_context().items()
        if msgid not in SAME_MEANING
    }
    assert unexplained == {}, (
        "These ids are used by more than one feature without a context. Read every use: if the "
        "meanings differ, use pgettext(context, id) for each; if they are the same, add the id "
        f"to SAME_MEANING with the reason: {unexplained}"
    )


def test_the_same_meaning_list_names_only_ids_still_shared():
    shared = _shared_without_context()
    assert sorted(set(SAME_MEANING) - set(shared)) == []


def test_an_id_with_a_context_has_one_in_every_use():
    """Once "From" needs a context somewhere, a bare "From" is the ambiguous word again."""
    uses = _uses()
    with_context = {msgid for context, msgid in uses if context is not None}
    bare = {
        msgid: [where for places in uses[(None, msgid)].values() for where in places]
        for msgid in with_context
        if (None, msgid) in uses
    }
    assert bare == {}


def test_each_meaning_has_its_own_thai():
    thai = catalog("th")
    contexts: dict[str, dict[str, str]] = defaultdict(dict)
    for context, msgid in _uses():
        if context is not None:
            contexts[msgid][context] = thai.get(msgid, context=context).string
    # The word the issue named: the ledger's donor column is not a start date.
    assert contexts["From"] == {"donor": "ผู้บริจาค", "start date": "ตั้งแต่วันที่"}
    # No use is left for the bare entry of a word that has contexts: it goes from the catalogue.
    stale = sorted(msgid for msgid in contexts if thai.get(msgid) is not None)
    assert stale == []


def _header_cells(html: str, table_id: str) -> list[str]:
    table = html[html.index(f'id="{table_id}"') :]
    head = table[: table.index("</thead>")]
    return re.findall(r"<th[^>]*>([^<]*)</th>", head)


def test_the_thai_ledger_names_the_donor_column(client, make_campaign):
    campaign = make_campaign()
    gift(campaign, name="สมชาย ใจดี", amount_satang=50_000)
    db.session.commit()
    with client.session_transaction() as session:
        session["locale"] = "th"

    page = client.get(f"/campaigns/{campaign.id}/ledger")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert _header_cells(html, "ledger")[2] == "ผู้บริจาค"
    assert 'data-label="ผู้บริจาค">สมชาย ใจดี</td>' in html
    assert "ตั้งแต่วันที่" not in html

    csv_page = client.get(f"/campaigns/{campaign.id}/ledger.csv")
    header = next(csv.reader(io.StringIO(csv_page.get_data(as_text=True).lstrip("\ufeff"))))
    assert header[3] == "ผู้บริจาค"


def test_the_english_ledger_still_says_from(client, make_campaign):
    campaign = make_campaign()
    gift(campaign, name="Somchai", amount_satang=50_000)
    db.session.commit()
    with client.session_transaction() as session:
        session["locale"] = "en"
    html = client.get(f"/campaigns/{campaign.id}/ledger").get_data(as_text=True)
    assert _header_cells(html, "ledger")[2] == "From"


def test_the_partnership_start_date_keeps_its_thai(app):
    with app.test_request_context(), force_locale("th"):
        assert PartnershipForm().started_on.label.text == "ตั้งแต่วันที่"
