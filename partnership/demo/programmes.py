"""Programme demo data: Notebook for Education (ป.4–6) as a past call in review and a current,
open call, with a dozen applications from the demo schools in different states."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import force_locale

from ..accounts.models import User
from ..applications.eligibility import rule_failures
from ..applications.models import (
    Application,
    ApplicationEvent,
    ApplicationState,
    Beneficiaries,
    BudgetLine,
)
from ..db_types import utcnow
from ..extensions import db
from ..i18n import BANGKOK, BUDDHIST_ERA_OFFSET, current_academic_year
from ..programmes.models import Programme, ProgrammeEvent, ProgrammeState, RubricCriterion, TieBreak
from ..registry.models import GRADE_INDEX, School

P4, P6 = GRADE_INDEX["p4"], GRADE_INDEX["p6"]
A = ApplicationState

DESCRIPTION_TH = (
    "โครงการ Notebook for Education สนับสนุนคอมพิวเตอร์โน้ตบุ๊กให้นักเรียนชั้น ป.4–6 และครูของ"
    "โรงเรียนในเครือข่าย เพื่อให้เด็กได้เรียนรู้ด้วยเทคโนโลยีอย่างเท่าเทียม\n"
    "โรงเรียนเสนอโครงการพร้อมงบประมาณ คณะกรรมการพิจารณาและให้คะแนนซึ่งมีผู้แทนทั้งภาครัฐและ"
    "ภาคเอกชนให้คะแนนตามเกณฑ์ โครงการที่ได้รับอนุมัติจะเปิดระดมทุนออนไลน์ต่อไป"
)
DESCRIPTION_EN = (
    "Notebook for Education provides laptops for grade 4–6 pupils (ป.4–6) and their teachers "
    "in network schools.\nSchools propose a project with a budget; a joint public–private "
    "committee scores it against the rubric, and approved projects go to online crowdfunding."
)

#: (Thai label, English label, guidance, max score, weight)
RUBRIC = (
    ("ความจำเป็นและความพร้อมของโรงเรียน", "Need and readiness of the school",
     "อุปกรณ์ที่มีอยู่ สัดส่วนนักเรียนต่อเครื่อง ไฟฟ้าและอินเทอร์เน็ต ครูผู้รับผิดชอบ", 10, 3),
    ("จำนวนนักเรียนและครูที่ได้รับประโยชน์", "Pupils and teachers who benefit",
     "จำนวนนักเรียน ป.4–6 และครูที่จะใช้เครื่องจริงในการเรียนการสอน", 10, 2),
    ("แผนการใช้งานและการดูแลรักษาอุปกรณ์", "Plan for use and care of the devices",
     "ตารางการใช้ ผู้ดูแล การเก็บรักษา การซ่อมบำรุง", 10, 2),
    ("ความเหมาะสมของงบประมาณ", "Value for money of the budget",
     "ราคาต่อหน่วยสมเหตุสมผล รายการครบถ้วน ไม่ซ้ำซ้อนกับงบประมาณอื่น", 10, 2),
    ("การมีส่วนร่วมของชุมชนและผู้ปกครอง", "Community and parent involvement",
     "การสนับสนุนจากชุมชน ผู้ปกครอง และหน่วยงานในพื้นที่", 5, 1),
)  # fmt: skip

NOTEBOOK = ("คอมพิวเตอร์โน้ตบุ๊ก", 1_499_050)
BAG = ("กระเป๋าใส่โน้ตบุ๊ก", 39_000)
CART = ("ตู้ชาร์จและเก็บโน้ตบุ๊ก (ล็อกได้)", 1_850_000)
POWER = ("ปลั๊กพ่วงและชุดสายชาร์จสำรอง", 125_000)
TRAINING = ("ค่าอบรมครูการใช้เทคโนโลยีในห้องเรียน", 800_000)

#: (programme key, school code, title, state, notebooks, extra lines, pupils per grade P4–P6,
#:  teachers, reason: the school's for a withdrawal, staff's for an eligibility override)
APPLICATIONS = (
    ("past", "1040050101", "โน้ตบุ๊กเพื่อห้องเรียน ป.4–6 บ้านโนนสวรรค์", A.ELIGIBLE, 12,
     (BAG, CART), (18, 16, 17), 4, ""),
    ("past", "1040050214", "ห้องเรียนดิจิทัลบ้านหนองแวงวิทยา", A.ELIGIBLE, 12,
     (CART, POWER), (24, 22, 25), 5, ""),
    ("past", "1040050322", "เด็กโคกสีรู้ทันเทคโนโลยี", A.ELIGIBLE, 10,
     (BAG, CART, TRAINING), (31, 29, 33), 6, ""),
    ("past", "1030040117", "โน้ตบุ๊กสำหรับนักเรียนบ้านหนองบัวศาลา", A.ELIGIBLE, 14,
     (CART,), (22, 20, 21), 4, ""),
    ("past", "1034020311", "ห้องเรียนคอมพิวเตอร์เคลื่อนที่บ้านนาคำ", A.ELIGIBLE, 12,
     (CART, POWER, TRAINING), (27, 26, 24), 5, ""),
    ("past", "1090040155", "เรียนรู้ไร้พรมแดน บ้านคลองแงะ", A.INELIGIBLE, 24,
     (BAG, CART, TRAINING), (36, 35, 34), 7, ""),
    ("past", "1020010488", "โน้ตบุ๊กเพื่อการเรียนรู้ วัดหนองคล้า", A.ELIGIBLE, 10,
     (CART,), (40, 38, 41), 4, "ในปีการศึกษา 2564 โรงเรียนยังเป็นสมาชิกเครือข่าย (ออกเมื่อ 31 มี.ค. 2567)"),
    ("past", "1047030419", "สื่อดิจิทัลเพื่อนักเรียนบ้านโพนงาม", A.WITHDRAWN, 10,
     (BAG,), (15, 14, 16), 3, "โรงเรียนได้รับการสนับสนุนจากหน่วยงานอื่นแล้ว"),
    ("open", "1040050437", "โน้ตบุ๊กให้น้อง ป.4–6 บ้านดอนหันวิทยาคม", A.DRAFT, 8,
     (BAG, POWER), (12, 11, 13), 3, ""),
    ("open", "1040050519", "ห้องเรียนออนไลน์บ้านห้วยเตย", A.ELIGIBLE, 6,
     (CART,), (9, 8, 10), 2, ""),
    ("open", "1056010122", "เทคโนโลยีเพื่อเด็กบ้านแม่ใส", A.ELIGIBLE, 7,
     (BAG, TRAINING), (11, 10, 12), 3, ""),
    ("open", "1031010225", "โน้ตบุ๊กเพื่อการอ่านออกเขียนได้ บ้านสะแกซำ", A.ELIGIBLE, 9,
     (CART,), (14, 13, 15), 3, ""),
    ("open", "1096020377", "แท็บเล็ตและโน้ตบุ๊กเพื่อเด็กบ้านตะปอเยาะ", A.INELIGIBLE, 9,
     (BAG,), (20, 18, 19), 4, ""),
)  # fmt: skip


def _bangkok(day, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BANGKOK)


def _programme_specs() -> dict[str, dict]:
    today = utcnow().astimezone(BANGKOK).date()
    year_be = current_academic_year() + BUDDHIST_ERA_OFFSET
    common = {
        "description_th": DESCRIPTION_TH,
        "description_en": DESCRIPTION_EN,
        "budget_total_satang": 300_000_000,
        "cap_satang": 30_000_000,
        "members_only": True,
        "min_grade": P4,
        "max_grade": P6,
        "reviews_per_application": 3,
        "require_sector_balance": True,
        "max_applications_per_school": 1,
        "tie_break": TieBreak.EARLIER_SUBMISSION,
    }
    return {
        "past": common
        | {
            "name_th": "โครงการ Notebook for Education 2564",
            "name_en": "Notebook for Education 2564",
            "opens_at": datetime(2021, 5, 17, 8, 30, tzinfo=BANGKOK),
            "closes_at": datetime(2021, 6, 30, 23, 59, tzinfo=BANGKOK),
            "state": ProgrammeState.REVIEWING,
            # Smaller than the demand, so the ranking's budget line falls inside the list.
            "budget_total_satang": 100_000_000,
        },
        "open": common
        | {
            "name_th": f"โครงการ Notebook for Education {year_be}",
            "name_en": f"Notebook for Education {year_be}",
            "opens_at": _bangkok(today - timedelta(days=14), 8, 30),
            "closes_at": _bangkok(today + timedelta(days=21), 23, 59),
            "state": ProgrammeState.OPEN,
        },
    }


def _history(programme: Programme, staff: User | None) -> None:
    """The programme's trail up to its demo state: created, opened, closed, review started."""
    path = [ProgrammeState.DRAFT, ProgrammeState.OPEN, ProgrammeState.CLOSED,
            ProgrammeState.REVIEWING]  # fmt: skip
    times = [programme.opens_at - timedelta(days=7), programme.opens_at, programme.closes_at,
             programme.closes_at + timedelta(days=3)]  # fmt: skip
    previous = None
    for state, at in zip(path, times, strict=True):
        programme.events.append(
            ProgrammeEvent(from_state=previous, to_state=state, actor=staff, at=at)
        )
        if state == programme.state:
            break
        previous = state


def _get_or_create_programme(spec: dict, staff: User | None) -> tuple[Programme, bool]:
    existing = db.session.scalar(db.select(Programme).where(Programme.name_th == spec["name_th"]))
    if existing is not None:
        return existing, False
    programme = Programme(created_by=staff, **spec)
    for position, (label_th, label_en, guidance, max_score, weight) in enumerate(RUBRIC):
        programme.criteria.append(
            RubricCriterion(
                position=position,
                label_th=label_th,
                label_en=label_en,
                guidance=guidance,
                max_score=max_score,
                weight=weight,
            )
        )
    _history(programme, staff)
    db.session.add(programme)
    db.session.flush()
    return programme, True


def _school_user(school: School) -> User | None:
    for membership in school.memberships:
        if membership.state.value == "active":
            return membership.user
    return None


def _add_application(programme: Programme, school: School, row, submitted_at, staff) -> None:
    _, _, title, state, notebooks, extras, pupils, teachers, reason = row
    author = _school_user(school)
    application = Application(
        programme=programme,
        school=school,
        created_by=author,
        title=title,
        summary=f"{title}: โน้ตบุ๊กสำหรับนักเรียนชั้น ป.4–6 และครู เพื่อใช้ในการเรียนการสอนทุกวิชา",
        need=(
            "ปัจจุบันโรงเรียนมีคอมพิวเตอร์ที่ใช้งานได้ไม่เพียงพอ นักเรียนหลายคนต้องใช้เครื่องร่วมกัน "
            "และเครื่องเดิมมีอายุการใช้งานเกิน 8 ปี"
        ),
        delivery_plan=(
            "ครูผู้รับผิดชอบโครงการรับมอบและลงทะเบียนครุภัณฑ์ จัดตารางการใช้ตามรายวิชา "
            "เก็บในตู้ชาร์จที่ล็อกได้ และรายงานผลการใช้งานทุกภาคเรียน"
        ),
        teachers_benefiting=teachers,
    )
    lines = [(NOTEBOOK[0], NOTEBOOK[1], notebooks + teachers)]
    for item, price in extras:
        quantity = notebooks + teachers if item == BAG[0] else (1 if item != POWER[0] else 2)
        lines.append((item, price, quantity))
    for position, (item, price, quantity) in enumerate(lines):
        application.budget_lines.append(
            BudgetLine(position=position, item=item, unit_price_satang=price, quantity=quantity)
        )
    for offset, count in enumerate(pupils):
        application.beneficiaries.append(Beneficiaries(grade=P4 + offset, pupils=count))
    db.session.add(application)
    created = submitted_at - timedelta(days=6)
    application.created_at = created
    application.events.append(
        ApplicationEvent(from_state=None, to_state="draft", actor=author, at=created)
    )
    if state != A.DRAFT:
        application.submitted_at = submitted_at
        application.events.append(
            ApplicationEvent(
                from_state="draft", to_state="submitted", actor=author, at=submitted_at
            )
        )
        db.session.flush()
        failures = rule_failures(application)
        application.eligibility_failures = ",".join(failures)
        if state != A.SUBMITTED:
            automatic = A.INELIGIBLE if failures else A.ELIGIBLE
            application.events.append(
                ApplicationEvent(
                    from_state="submitted",
                    to_state=automatic.value,
                    reason="\n".join(rule.reason for rule in failures),
                    at=submitted_at,
                )
            )
            later = submitted_at + timedelta(days=3)
            if state == A.WITHDRAWN:
                application.events.append(
                    ApplicationEvent(
                        from_state=automatic.value,
                        to_state="withdrawn",
                        actor=author,
                        reason=reason,
                        at=later,
                    )
                )
            elif state != automatic and reason:
                application.eligibility_override = reason
                application.events.append(
                    ApplicationEvent(
                        from_state=automatic.value,
                        to_state=state.value,
                        actor=staff,
                        reason=reason,
                        at=later,
                    )
                )
            else:
                state = automatic
    application.state = state
    db.session.flush()


def seed_programmes() -> None:
    """Both Notebook for Education calls and their applications; existing ones are left alone."""
    with force_locale("th"):  # reasons recorded in the audit trail are written in Thai
        _seed_programmes()


def _seed_programmes() -> None:
    staff = db.session.scalar(db.select(User).where(User.email == "staff@demo.example.org"))
    schools = {s.code: s for s in db.session.scalars(db.select(School))}
    for key, spec in _programme_specs().items():
        programme, created = _get_or_create_programme(spec, staff)
        if not created:
            continue
        rows = [row for row in APPLICATIONS if row[0] == key and row[1] in schools]
        for index, row in enumerate(rows):
            if key == "past":
                submitted_at = datetime(2021, 6, 10, 9, 0, tzinfo=BANGKOK) + timedelta(
                    days=index * 2
                )
            else:
                submitted_at = programme.opens_at + timedelta(days=3 + index, hours=index)
            _add_application(programme, schools[row[1]], row, submitted_at, staff)
