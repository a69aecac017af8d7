"""The library demo: documents from the seeds, each a small PDF set in Thai (the lessons-learned
research plan of seed 004, the EEA partners' knowledge hub and their 7th meeting on financing
of seed 000, the Khon Kaen assembly's policy proposals of seed 001), then the final reports of
funded projects done so far (none in the demo: its laptop campaign's report is the overdue
milestone). Idempotent: a document already there (same Thai title) is left alone."""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.services import find_user
from ..core.typesetting import ThaiPDF
from ..extensions import db
from ..library.models import EntrySource, EntryTopic, LibraryEntry
from ..library.services import add_entry, store_document
from ..library.sources import collect_final_reports

#: (Thai title, English title, Thai summary, English summary, topic, province, year B.E.).
DOCUMENTS = [
    (
        "แผนงานวิจัยถอดบทเรียนองค์ความรู้ภาคเอกชน",
        "Research plan: lessons learned from the private sector's work with schools",
        "แผนการดำเนินงานด้านงานวิจัย ถอดบทเรียนองค์ความรู้ภาคเอกชนที่ได้เริ่มดำเนินการ "
        "ขณะนี้อยู่ระหว่างการเก็บข้อมูล และเตรียมวางแผนการสัมภาษณ์ถอดบทเรียนในระยะต่อไป "
        "เสนอต่อที่ประชุมคณะทำงานภาครัฐร่วมเอกชน ครั้งที่ 1/2564 เมื่อวันที่ 28 มิถุนายน 2564",
        "The plan of the research that draws lessons from what the private partners have done: "
        "data collection under way, interviews planned next. Put to the public–private working "
        "group at its meeting 1/2564 of 28 June 2021.",
        EntryTopic.LESSONS,
        None,
        2564,
    ),
    (
        "ศูนย์ข้อมูลความเสมอภาคทางการศึกษา (EquityEdHub)",
        "Equity in Education Hub (EquityEdHub): the EEA partners' knowledge hub",
        "เว็บไซต์ศูนย์ข้อมูลความเสมอภาคทางการศึกษา เปิดตัวเมื่อปลายปี พ.ศ. 2565 "
        "เป็นศูนย์กลางในการแบ่งปันความรู้ให้ผู้เรียนจากทั่วโลกเข้าถึงเนื้อหาที่เกี่ยวข้องกับ"
        "การยกระดับความเสมอภาคทางการศึกษาผ่านความพยายามร่วมกัน "
        "และสนับสนุนด้านเทคนิคให้กับผู้ที่มีความต้องการ",
        "The Equity in Education Alliance's knowledge hub, opened at the end of 2022: content on "
        "raising equity in education through joint effort, for learners everywhere, and "
        "technical support for those who need it.",
        EntryTopic.LESSONS,
        None,
        2565,
    ),
    (
        "กลไกการจัดทำงบประมาณและการจัดหาเงินทุนเพื่อเพิ่มความเสมอภาคทางการศึกษา "
        "(การประชุมกลุ่มพันธมิตร EEA ครั้งที่ 7)",
        "Budgeting and financing mechanisms for equity in education (EEA partners' meeting 7)",
        "การประชุมครั้งที่ 7 ของกลุ่มพันธมิตรเพื่อความเสมอภาคทางการศึกษา (14 ประเทศ 17 องค์กร) "
        "ว่าด้วยกลไกการจัดทำงบประมาณและการจัดหาเงินทุนตั้งแต่ระดับชาติถึงระดับท้องถิ่น "
        "งานวิจัยการศึกษาแบบเรียนรวมสำหรับนักเรียนพิการจากประเทศฟิลิปปินส์ "
        "และแนวปฏิบัติที่ดีจากระดับพื้นที่",
        "The 7th meeting of the Equity in Education Alliance (14 countries, 17 organisations) on "
        "budgeting and financing from the national to the local level, research on inclusive "
        "education for pupils with disabilities from the Philippines, and good practice.",
        EntryTopic.FINANCING,
        None,
        2566,
    ),
    (
        "ข้อเสนอเชิงนโยบาย สมัชชาเพื่อความเสมอภาคทางการศึกษาจังหวัดขอนแก่น ครั้งที่ 1",
        "Policy proposals of the first Khon Kaen assembly for equity in education (ABE Khon Kaen)",
        "โครงการจัดการศึกษาเชิงพื้นที่เพื่อลดความเหลื่อมล้ำ (ABE) จังหวัดขอนแก่น ปี 2565–2566 "
        "ข้อเสนอ 4 ประเด็น: 1) เด็กปฐมวัยเติบโตอย่างมีคุณภาพ 2) โอกาสการเรียนและการมีงานทำของ"
        "เด็กนอกระบบ 3) การจัดการศึกษาที่ยืดหยุ่นเพื่อป้องกันเด็กกลุ่มเสี่ยงหลุดจากระบบ "
        "4) ขอนแก่นเมืองแห่งการเรียนรู้ เมืองแห่งโอกาส",
        "Area-based education (ABE) in Khon Kaen, 2022–2023: four proposals on early childhood, "
        "learning and work for out-of-school youth, flexible schooling so that pupils at risk do "
        "not drop out, and Khon Kaen as a learning city, a city of opportunity.",
        EntryTopic.AREA_BASED,
        "40",
        2566,
    ),
]


def document_pdf(title: str, summary: str) -> bytes:
    """A one-page PDF of the title and summary (Sarabun, lines broken between Thai words)."""
    pdf = ThaiPDF(texts=[title, summary])
    pdf.add_page()
    pdf.set_margins(20, 20, 20)
    pdf.set_xy(20, 24)
    pdf.set_font("Sarabun", "B", 16)
    pdf.text_block(title, 9)
    pdf.ln(4)
    pdf.set_font("Sarabun", "", 12)
    pdf.text_block(summary, 7)
    return bytes(pdf.output())


def seed_library() -> None:
    """The seeds' documents (once each) and the final reports done so far."""
    staff = find_user("staff@demo.example.org")
    present = set(
        db.session.scalars(
            sa.select(LibraryEntry.title_th).where(LibraryEntry.source == EntrySource.DOCUMENT)
        )
    )
    for number, (title_th, title_en, summary_th, summary_en, topic, province, year) in enumerate(
        DOCUMENTS, start=1
    ):
        if title_th in present:
            continue
        key, name = store_document(document_pdf(title_th, summary_th), f"library-{number}.pdf")
        add_entry(
            title_th=title_th,
            title_en=title_en,
            summary_th=summary_th,
            summary_en=summary_en,
            topic=topic,
            province_code=province,
            year_be=year,
            file_key=key,
            file_name=name,
            actor=staff,
        )
    collect_final_reports()
    db.session.flush()
