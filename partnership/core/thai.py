"""Thai forms of numbers and ids: baht amounts in words (receipts) and the 13-digit national id."""

from __future__ import annotations

import re

_DIGITS = ("", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")


def _below_million(number: int, *, after_millions: bool = False) -> str:
    """0 < number < 1,000,000 read the Thai way: ยี่สิบ for 20, and เอ็ด for a final 1 in a
    number of several digits (11, 101, 1,000,001), หนึ่ง when it stands alone."""
    words = []
    text = str(number)
    length = len(text)
    for index, char in enumerate(text):
        digit, place = int(char), length - index - 1
        if digit == 0:
            continue
        if place == 1 and digit == 1:
            words.append("สิบ")
        elif place == 1 and digit == 2:
            words.append("ยี่สิบ")
        elif place == 0 and digit == 1 and (length > 1 or after_millions):
            words.append("เอ็ด")
        else:
            words.append(_DIGITS[digit] + _PLACES[place])
    return "".join(words)


def thai_number_words(number: int) -> str:
    """A whole number in Thai words (0 is ศูนย์): 21 ยี่สิบเอ็ด, 11,000,000 สิบเอ็ดล้าน."""
    if number < 0:
        raise ValueError("negative number")
    if number == 0:
        return "ศูนย์"
    millions, rest = divmod(number, 1_000_000)
    words = thai_number_words(millions) + "ล้าน" if millions else ""
    return words + (_below_million(rest, after_millions=bool(millions)) if rest else "")


def thai_baht_words(satang: int) -> str:
    """An amount as written on a Thai receipt: ห้าร้อยบาทถ้วน, หนึ่งร้อยล้านบาทหนึ่งสตางค์."""
    if satang < 0:
        raise ValueError("negative amount")
    baht, rest = divmod(int(satang), 100)
    if baht and not rest:
        return thai_number_words(baht) + "บาทถ้วน"
    if not rest:
        return "ศูนย์บาทถ้วน"
    words = thai_number_words(baht) + "บาท" if baht else ""
    return words + thai_number_words(rest) + "สตางค์"


_SEPARATORS = re.compile(r"[\s-]")


def normalise_thai_id(text: str) -> str:
    """The id as typed without spaces and dashes (1-2345-67890-12-1 → 1234567890121)."""
    return _SEPARATORS.sub("", text or "")


def thai_id_check_digit(first_twelve: str) -> int:
    """The 13th digit: (11 − Σ digit × weight mod 11) mod 10, weights 13 down to 2."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first_twelve))
    return (11 - total % 11) % 10


def valid_thai_id(text: str) -> bool:
    """13 ASCII digits whose last is the mod-11 check digit of the first twelve."""
    return (
        len(text) == 13
        and text.isascii()
        and text.isdigit()
        and thai_id_check_digit(text[:12]) == int(text[12])
    )
