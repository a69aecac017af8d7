"""Amounts in Thai words, as receipts print them, and the Thai national id's check digit."""

from __future__ import annotations

import pytest

from partnership.core.thai import (
    normalise_thai_id,
    thai_baht_words,
    thai_id_check_digit,
    valid_thai_id,
)


@pytest.mark.parametrize(
    ("satang", "words"),
    [
        (50_000, "ห้าร้อยบาทถ้วน"),
        (123_450, "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์"),
        (100, "หนึ่งบาทถ้วน"),
        (1_100, "สิบเอ็ดบาทถ้วน"),
        (2_000, "ยี่สิบบาทถ้วน"),
        (2_100, "ยี่สิบเอ็ดบาทถ้วน"),
        (10_100, "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (100_100, "หนึ่งพันเอ็ดบาทถ้วน"),
        (100_000_000, "หนึ่งล้านบาทถ้วน"),
        (100_000_100, "หนึ่งล้านเอ็ดบาทถ้วน"),
        (1_100_000_000, "สิบเอ็ดล้านบาทถ้วน"),
        (2_100_000_000, "ยี่สิบเอ็ดล้านบาทถ้วน"),
        (10_000_000_001, "หนึ่งร้อยล้านบาทหนึ่งสตางค์"),
        (50, "ห้าสิบสตางค์"),
        (1, "หนึ่งสตางค์"),
        (11, "สิบเอ็ดสตางค์"),
        (99_999_999, "เก้าแสนเก้าหมื่นเก้าพันเก้าร้อยเก้าสิบเก้าบาทเก้าสิบเก้าสตางค์"),
        (120_000_000_000, "หนึ่งพันสองร้อยล้านบาทถ้วน"),
        (0, "ศูนย์บาทถ้วน"),
    ],
)
def test_amount_in_thai_words(satang, words):
    assert thai_baht_words(satang) == words


def test_a_negative_amount_has_no_words():
    with pytest.raises(ValueError):
        thai_baht_words(-1)


@pytest.mark.parametrize(
    "text", ["1234567890121", "1-2345-67890-12-1", "1 2345 67890 12 1", "3100600445813"]
)
def test_valid_thai_ids(text):
    assert valid_thai_id(normalise_thai_id(text))


@pytest.mark.parametrize(
    "text",
    [
        "1234567890122",  # wrong check digit
        "1234567890120",
        "123456789012",  # 12 digits
        "12345678901210",  # 14 digits
        "12345678901a1",  # a letter
        "１２３４５６７８９０１２１",  # full-width digits are not ASCII
        "",
    ],
)
def test_invalid_thai_ids(text):
    assert not valid_thai_id(normalise_thai_id(text))


def test_check_digit_is_mod_11_of_the_weighted_first_twelve():
    # 1×13 + 2×12 + … + 2×2 = 352 = 32 × 11, so the check digit is (11 − 0) mod 10 = 1
    assert thai_id_check_digit("123456789012") == 1
    # the weighted sum is 195; 195 mod 11 = 8; (11 − 8) mod 10 = 3
    assert thai_id_check_digit("310060044581") == 3
