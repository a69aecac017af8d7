"""Registry demo data: the foundation, its public partners, 14 companies, partner schools."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from ..accounts.models import Membership, MembershipState
from ..accounts.services import create_user, find_user
from ..extensions import db
from ..registry.models import (
    GRADE_INDEX,
    Affiliation,
    NetworkEvent,
    NetworkStatus,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipRole,
    School,
    SchoolYearStat,
    Sector,
)

K, G, F, U, N = (
    OrganisationKind.COMPANY,
    OrganisationKind.GOVERNMENT,
    OrganisationKind.FOUNDATION,
    OrganisationKind.UNIVERSITY,
    OrganisationKind.NGO,
)

FOUNDATION = "มูลนิธิสานอนาคตการศึกษา คอนเน็กซ์อีดี"

#: (Thai name, English name, kind, sector)
ORGANISATIONS = (
    (FOUNDATION, "CONNEXT ED Foundation", F, Sector.CIVIL_SOCIETY),
    ("กระทรวงศึกษาธิการ", "Ministry of Education", G, Sector.PUBLIC),
    ("สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.)", "Office of the Basic Education Commission (OBEC)", G, Sector.PUBLIC),
    ("สำนักงานเลขาธิการสภาการศึกษา (สกศ.)", "Office of the Education Council (OEC)", G, Sector.PUBLIC),
    ("กองทุนเพื่อความเสมอภาคทางการศึกษา (กสศ.)", "Equitable Education Fund (EEF)", G, Sector.PUBLIC),
    ("สถาบันพัฒนาองค์กรชุมชน (พอช.)", "Community Organizations Development Institute (CODI)", G, Sector.PUBLIC),
    ("มูลนิธิชุมชนขอนแก่นทศวรรษหน้า", "Khon Kaen Next Decade Community Foundation", F, Sector.CIVIL_SOCIETY),
    ("มหาวิทยาลัยขอนแก่น", "Khon Kaen University", U, Sector.ACADEMIC),
    ("สถาบันวิจัยประชากรและสังคม มหาวิทยาลัยมหิดล", "Institute for Population and Social Research, Mahidol University", U, Sector.ACADEMIC),
    ("มหาวิทยาลัยพะเยา", "University of Phayao", U, Sector.ACADEMIC),
    ("บริษัท ไทยเบฟเวอเรจ จำกัด (มหาชน)", "Thai Beverage PCL", K, Sector.PRIVATE),
    ("เอสซีจี (บริษัท ปูนซิเมนต์ไทย จำกัด (มหาชน))", "SCG", K, Sector.PRIVATE),
    ("เครือเจริญโภคภัณฑ์", "Charoen Pokphand Group", K, Sector.PRIVATE),
    ("กลุ่มมิตรผล", "Mitr Phol Group", K, Sector.PRIVATE),
    ("บริษัท ปตท. จำกัด (มหาชน)", "PTT PCL", K, Sector.PRIVATE),
    ("ธนาคารกสิกรไทย", "Kasikornbank", K, Sector.PRIVATE),
    ("ธนาคารไทยพาณิชย์", "Siam Commercial Bank", K, Sector.PRIVATE),
    ("ธนาคารกรุงเทพ", "Bangkok Bank", K, Sector.PRIVATE),
    ("บริษัท ทรู คอร์ปอเรชั่น จำกัด (มหาชน)", "True Corporation PCL", K, Sector.PRIVATE),
    ("กลุ่มเซ็นทรัล", "Central Group", K, Sector.PRIVATE),
    ("บริษัท บ้านปู จำกัด (มหาชน)", "Banpu PCL", K, Sector.PRIVATE),
    ("บริษัท ไทยยูเนี่ยน กรุ๊ป จำกัด (มหาชน)", "Thai Union Group PCL", K, Sector.PRIVATE),
    ("บริษัท แอดวานซ์ อินโฟร์ เซอร์วิส จำกัด (มหาชน)", "Advanced Info Service PCL", K, Sector.PRIVATE),
    ("บริษัท ดุสิตธานี จำกัด (มหาชน)", "Dusit Thani PCL", K, Sector.PRIVATE),
    ("มูลนิธิเพื่อนเด็กชนบท", "Rural Children's Friends Foundation", N, Sector.CIVIL_SOCIETY),
)  # fmt: skip

P4, P6, M3, M6, K1 = (GRADE_INDEX[g] for g in ("p4", "p6", "m3", "m6", "k1"))

#: (code, Thai name, English name, province code, district, lowest, highest grade, status,
#:  pupils, teachers, private partner's English name or None)
SCHOOLS = (
    ("1040050101", "โรงเรียนบ้านโนนสวรรค์", "Ban Non Sawan School", "40", "เมืองขอนแก่น", K1, P6, "member", 148, 9, "Mitr Phol Group"),
    ("1040050214", "โรงเรียนบ้านหนองแวงวิทยา", "Ban Nong Waeng Witthaya School", "40", "บ้านฝาง", K1, M3, "member", 236, 14, "SCG"),
    ("1040050322", "โรงเรียนชุมชนบ้านโคกสี", "Chumchon Ban Khok Si School", "40", "เมืองขอนแก่น", K1, P6, "member", 312, 17, "Thai Beverage PCL"),
    ("1040050437", "โรงเรียนบ้านดอนหันวิทยาคม", "Ban Don Han Witthayakhom School", "40", "ชุมแพ", K1, P6, "member", 97, 7, None),
    ("1040050519", "โรงเรียนบ้านห้วยเตย", "Ban Huai Toei School", "40", "ภูเวียง", K1, P6, "member", 64, 6, None),
    ("1040050608", "โรงเรียนบ้านท่าพระ", "Ban Tha Phra School", "40", "เมืองขอนแก่น", K1, M3, "applicant", 188, 12, None),
    ("1030040117", "โรงเรียนบ้านหนองบัวศาลา", "Ban Nong Bua Sala School", "30", "เมืองนครราชสีมา", K1, P6, "member", 205, 11, "Charoen Pokphand Group"),
    ("1031010225", "โรงเรียนบ้านสะแกซำ", "Ban Sakae Sam School", "31", "ลำปลายมาศ", K1, P6, "member", 121, 8, None),
    ("1034020311", "โรงเรียนบ้านนาคำ", "Ban Na Kham School", "34", "วารินชำราบ", K1, M3, "member", 274, 15, "PTT PCL"),
    ("1047030419", "โรงเรียนบ้านโพนงาม", "Ban Phon Ngam School", "47", "พังโคน", K1, P6, "member", 133, 8, "Kasikornbank"),
    ("1056010122", "โรงเรียนบ้านแม่ใส", "Ban Mae Sai School", "56", "เมืองพะเยา", K1, P6, "member", 89, 7, "True Corporation PCL"),
    ("1050020233", "โรงเรียนบ้านแม่ตื่น", "Ban Mae Tuen School", "50", "อมก๋อย", K1, M3, "member", 156, 10, None),
    ("1055010344", "โรงเรียนบ้านน้ำรีพัฒนา", "Ban Nam Ri Phatthana School", "55", "ท่าวังผา", K1, P6, "member", 72, 6, "Banpu PCL"),
    ("1090040155", "โรงเรียนบ้านคลองแงะ", "Ban Khlong Ngae School", "90", "สะเดา", K1, P6, "member", 341, 18, "Siam Commercial Bank"),
    ("1094010266", "โรงเรียนบ้านบาโงยซิแน", "Ban Ba-ngoi Sinae School", "94", "ยะหริ่ง", K1, P6, "member", 198, 11, None),
    ("1096020377", "โรงเรียนบ้านตะปอเยาะ", "Ban Tapoyo School", "96", "ยี่งอ", K1, P6, "applicant", 167, 10, None),
    ("1020010488", "โรงเรียนวัดหนองคล้า", "Wat Nong Khla School", "20", "ศรีราชา", P4, M6, "left", 420, 24, None),
    # Applied in April 2564; admitted by resolution 4.4 of the working group's meeting 1/2564
    # (28 June 2564): ``demo.governance`` admits them through the resolution.
    ("1040050701", "โรงเรียนบ้านโนนทองวิทยา", "Ban Non Thong Witthaya School", "40", "น้ำพอง", K1, P6, "applicant", 143, 9, None),
    ("1040050812", "โรงเรียนบ้านหนองโนพัฒนา", "Ban Nong No Phatthana School", "40", "พล", K1, M3, "applicant", 219, 13, None),
    ("1046010133", "โรงเรียนบ้านนาเชือก", "Ban Na Chueak School", "46", "ยางตลาด", K1, P6, "applicant", 118, 8, None),
    ("1044020245", "โรงเรียนบ้านดอนข่า", "Ban Don Kha School", "44", "บรบือ", K1, P6, "applicant", 101, 7, None),
)  # fmt: skip

#: The schools that resolution 4.4 of meeting 1/2564 admitted (applicants until then).
ADMITTED_AT_MEETING = ("1040050701", "1040050812", "1046010133", "1044020245")

PUBLIC_SUPPORT = ("สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.)",)

#: (e-mail, invented name, role label, staff?, school code or organisation English name)
ACCOUNTS = (
    ("staff@demo.example.org", "วิภาดา ศรีสุข", "programme staff", True, None),
    # The second pair of eyes: approves and pays what staff@ records (disbursements).
    ("finance@demo.example.org", "พิมพ์ชนก รัตนวงศ์", "programme staff", True, None),
    ("school@demo.example.org", "ประเสริฐ บุญมา", "school staff", False, "1040050101"),
    ("school2@demo.example.org", "อรุณี แก้วมณี", "school staff", False, "1040050437"),
    ("sponsor@demo.example.org", "ธนพล วัฒนากุล", "sponsor", False, "Mitr Phol Group"),
)


def _get_or_create_organisations() -> dict[str, Organisation]:
    existing = {o.name: o for o in db.session.scalars(db.select(Organisation))}
    for name, name_en, kind, sector in ORGANISATIONS:
        if name not in existing:
            organisation = Organisation(name=name, name_en=name_en, kind=kind, sector=sector)
            if name == FOUNDATION:
                organisation.description = (
                    "มูลนิธิที่เชื่อมภาครัฐและภาคเอกชน 14 องค์กร เพื่อพัฒนาโรงเรียนและการศึกษาไทย"
                )
                organisation.website = "https://www.connexted.org"
            db.session.add(organisation)
            existing[name] = organisation
    db.session.flush()
    return {o.name_en: o for o in existing.values()} | existing


def _network_history(status: NetworkStatus) -> list[NetworkEvent]:
    """How a demo school came to its network status (staff decisions by nobody in particular)."""
    N = NetworkStatus
    path = {
        N.APPLICANT: [N.APPLICANT],
        N.DECLINED: [N.APPLICANT, N.DECLINED],
        N.MEMBER: [N.APPLICANT, N.MEMBER],
        N.LEFT: [N.APPLICANT, N.MEMBER, N.LEFT],
    }.get(status, [])
    days = {N.APPLICANT: (2021, 4, 1), N.DECLINED: (2021, 5, 17), N.MEMBER: (2021, 5, 17),
            N.LEFT: (2024, 3, 31)}  # fmt: skip
    events, previous = [], None
    for state in path:
        at = datetime(*days[state], 3, 0, tzinfo=UTC)
        events.append(NetworkEvent(from_state=previous, to_state=state, at=at))
        previous = state
    return events


def _seed_schools(orgs: dict[str, Organisation]) -> dict[str, School]:
    existing = {s.code: s for s in db.session.scalars(db.select(School))}
    obec = orgs[PUBLIC_SUPPORT[0]]
    for row in SCHOOLS:
        code, name_th, name_en, province, district, low, high, status, pupils, teachers, partner = (
            row
        )
        if code in existing:
            continue
        school = School(
            code=code,
            name_th=name_th,
            name_en=name_en,
            province_code=province,
            district=district,
            affiliation=Affiliation.OBEC,
            min_grade=low,
            max_grade=high,
            network_status=NetworkStatus(status),
            contact_name="ฝ่ายธุรการโรงเรียน",
            contact_email=f"office.{code}@demo.example.org",
        )
        if status in ("member", "left"):
            school.network_joined_on = date(2021, 5, 17)
        if status == "left":
            school.network_left_on = date(2024, 3, 31)
        db.session.add(school)
        school.network_events.extend(_network_history(NetworkStatus(status)))
        for year, factor in ((2024, 0.97), (2025, 1.0)):
            db.session.add(
                SchoolYearStat(
                    school=school,
                    academic_year=year,
                    pupils=int(pupils * factor),
                    teachers=teachers,
                )
            )
        if status == "member":
            db.session.add(
                Partnership(
                    organisation=obec,
                    school=school,
                    role=PartnershipRole.GOVERNMENT,
                    started_on=date(2021, 5, 17),
                )
            )
        if partner:
            db.session.add(
                Partnership(
                    organisation=orgs[partner],
                    school=school,
                    role=PartnershipRole.ADOPTER,
                    started_on=date(2021, 6, 28),
                    note="โรงเรียนในความดูแลของภาคเอกชน (โรงเรียนคอนเน็กซ์อีดี)",
                )
            )
        existing[code] = school
    db.session.flush()
    return existing


def _seed_accounts(orgs, schools) -> list[tuple[str, str, str]]:
    created = []
    for email, name, role, is_staff, target in ACCOUNTS:
        if find_user(email):
            continue
        password = secrets.token_urlsafe(9)
        user = create_user(email, name, password, is_staff=is_staff)
        if target in schools:
            db.session.add(
                Membership(
                    user=user,
                    school=schools[target],
                    state=MembershipState.ACTIVE,
                    position="ครูผู้รับผิดชอบโครงการ",
                )
            )
        elif target:
            db.session.add(
                Membership(
                    user=user,
                    organisation=orgs[target],
                    state=MembershipState.ACTIVE,
                    position="ผู้จัดการฝ่ายความยั่งยืน",
                )
            )
        created.append((email, role, password))
    db.session.flush()
    return created


def seed_registry() -> list[tuple[str, str, str]]:
    orgs = _get_or_create_organisations()
    schools = _seed_schools(orgs)
    return _seed_accounts(orgs, schools)
