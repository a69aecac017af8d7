"""Thailand's 77 provinces (76 changwat plus Bangkok) as static package data.

Codes are the ISO 3166-2:TH numeric subdivision codes without the ``TH-`` prefix
(e.g. ``"10"`` for Bangkok, ``"40"`` for Khon Kaen). Pattaya (``TH-S``), a special
administrative city, is not a province and is therefore not included.

Provinces are grouped using the six-region scheme of the National Geographical
Committee (north, northeast, central, east, west, south).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    code: str  # ISO 3166-2:TH code without prefix
    name_th: str
    name_en: str
    region: str  # key of REGIONS


REGIONS: dict[str, tuple[str, str]] = {
    "north": ("ภาคเหนือ", "Northern"),
    "northeast": ("ภาคตะวันออกเฉียงเหนือ", "Northeastern"),
    "central": ("ภาคกลาง", "Central"),
    "east": ("ภาคตะวันออก", "Eastern"),
    "west": ("ภาคตะวันตก", "Western"),
    "south": ("ภาคใต้", "Southern"),
}

# (code, Thai name, English name, region), ordered by ISO code.
_DATA: tuple[tuple[str, str, str, str], ...] = (
    ("10", "กรุงเทพมหานคร", "Bangkok", "central"),
    ("11", "สมุทรปราการ", "Samut Prakan", "central"),
    ("12", "นนทบุรี", "Nonthaburi", "central"),
    ("13", "ปทุมธานี", "Pathum Thani", "central"),
    ("14", "พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya", "central"),
    ("15", "อ่างทอง", "Ang Thong", "central"),
    ("16", "ลพบุรี", "Lop Buri", "central"),
    ("17", "สิงห์บุรี", "Sing Buri", "central"),
    ("18", "ชัยนาท", "Chai Nat", "central"),
    ("19", "สระบุรี", "Saraburi", "central"),
    ("20", "ชลบุรี", "Chon Buri", "east"),
    ("21", "ระยอง", "Rayong", "east"),
    ("22", "จันทบุรี", "Chanthaburi", "east"),
    ("23", "ตราด", "Trat", "east"),
    ("24", "ฉะเชิงเทรา", "Chachoengsao", "east"),
    ("25", "ปราจีนบุรี", "Prachin Buri", "east"),
    ("26", "นครนายก", "Nakhon Nayok", "central"),
    ("27", "สระแก้ว", "Sa Kaeo", "east"),
    ("30", "นครราชสีมา", "Nakhon Ratchasima", "northeast"),
    ("31", "บุรีรัมย์", "Buri Ram", "northeast"),
    ("32", "สุรินทร์", "Surin", "northeast"),
    ("33", "ศรีสะเกษ", "Si Sa Ket", "northeast"),
    ("34", "อุบลราชธานี", "Ubon Ratchathani", "northeast"),
    ("35", "ยโสธร", "Yasothon", "northeast"),
    ("36", "ชัยภูมิ", "Chaiyaphum", "northeast"),
    ("37", "อำนาจเจริญ", "Amnat Charoen", "northeast"),
    ("38", "บึงกาฬ", "Bueng Kan", "northeast"),
    ("39", "หนองบัวลำภู", "Nong Bua Lam Phu", "northeast"),
    ("40", "ขอนแก่น", "Khon Kaen", "northeast"),
    ("41", "อุดรธานี", "Udon Thani", "northeast"),
    ("42", "เลย", "Loei", "northeast"),
    ("43", "หนองคาย", "Nong Khai", "northeast"),
    ("44", "มหาสารคาม", "Maha Sarakham", "northeast"),
    ("45", "ร้อยเอ็ด", "Roi Et", "northeast"),
    ("46", "กาฬสินธุ์", "Kalasin", "northeast"),
    ("47", "สกลนคร", "Sakon Nakhon", "northeast"),
    ("48", "นครพนม", "Nakhon Phanom", "northeast"),
    ("49", "มุกดาหาร", "Mukdahan", "northeast"),
    ("50", "เชียงใหม่", "Chiang Mai", "north"),
    ("51", "ลำพูน", "Lamphun", "north"),
    ("52", "ลำปาง", "Lampang", "north"),
    ("53", "อุตรดิตถ์", "Uttaradit", "north"),
    ("54", "แพร่", "Phrae", "north"),
    ("55", "น่าน", "Nan", "north"),
    ("56", "พะเยา", "Phayao", "north"),
    ("57", "เชียงราย", "Chiang Rai", "north"),
    ("58", "แม่ฮ่องสอน", "Mae Hong Son", "north"),
    ("60", "นครสวรรค์", "Nakhon Sawan", "central"),
    ("61", "อุทัยธานี", "Uthai Thani", "central"),
    ("62", "กำแพงเพชร", "Kamphaeng Phet", "central"),
    ("63", "ตาก", "Tak", "west"),
    ("64", "สุโขทัย", "Sukhothai", "central"),
    ("65", "พิษณุโลก", "Phitsanulok", "central"),
    ("66", "พิจิตร", "Phichit", "central"),
    ("67", "เพชรบูรณ์", "Phetchabun", "central"),
    ("70", "ราชบุรี", "Ratchaburi", "west"),
    ("71", "กาญจนบุรี", "Kanchanaburi", "west"),
    ("72", "สุพรรณบุรี", "Suphan Buri", "central"),
    ("73", "นครปฐม", "Nakhon Pathom", "central"),
    ("74", "สมุทรสาคร", "Samut Sakhon", "central"),
    ("75", "สมุทรสงคราม", "Samut Songkhram", "central"),
    ("76", "เพชรบุรี", "Phetchaburi", "west"),
    ("77", "ประจวบคีรีขันธ์", "Prachuap Khiri Khan", "west"),
    ("80", "นครศรีธรรมราช", "Nakhon Si Thammarat", "south"),
    ("81", "กระบี่", "Krabi", "south"),
    ("82", "พังงา", "Phang Nga", "south"),
    ("83", "ภูเก็ต", "Phuket", "south"),
    ("84", "สุราษฎร์ธานี", "Surat Thani", "south"),
    ("85", "ระนอง", "Ranong", "south"),
    ("86", "ชุมพร", "Chumphon", "south"),
    ("90", "สงขลา", "Songkhla", "south"),
    ("91", "สตูล", "Satun", "south"),
    ("92", "ตรัง", "Trang", "south"),
    ("93", "พัทลุง", "Phatthalung", "south"),
    ("94", "ปัตตานี", "Pattani", "south"),
    ("95", "ยะลา", "Yala", "south"),
    ("96", "นราธิวาส", "Narathiwat", "south"),
)

PROVINCES: tuple[Province, ...] = tuple(
    sorted((Province(*row) for row in _DATA), key=lambda p: p.name_th)
)

PROVINCES_BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}


def get_province(code: str) -> Province | None:
    """Return the province with the given ISO 3166-2:TH code (without prefix), if any."""
    return PROVINCES_BY_CODE.get(code)


def province_name(code: str, lang: str = "th") -> str:
    """The province's name in ``lang`` (Thai or English); an unknown code is shown as it is."""
    province = get_province(code)
    if province is None:
        return code
    return province.name_th if lang == "th" else province.name_en


def province_choices(locale: str) -> list[tuple[str, str]]:
    """Return ``(code, name)`` pairs for form choices, sorted by the displayed name."""
    if locale == "th":
        pairs = [(p.code, p.name_th) for p in PROVINCES]
    else:
        pairs = [(p.code, p.name_en) for p in PROVINCES]
    return sorted(pairs, key=lambda pair: pair[1])


def region_choices(locale: str) -> list[tuple[str, str]]:
    """Return ``(key, name)`` pairs for the regions, in their defined order."""
    index = 0 if locale == "th" else 1
    return [(key, names[index]) for key, names in REGIONS.items()]
