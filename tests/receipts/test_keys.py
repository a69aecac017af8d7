"""Tax ids under rotating keys, and the settings production cannot start without."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from partnership.config import ConfigError, load_config
from partnership.core import crypto
from partnership.extensions import db
from partnership.payments.models import DonationTaxInfo

from .conftest import GOOD_ID, TAX_FIELDS

RECEIPT_SETTINGS = (
    "RECEIPT_ORG_NAME",
    "RECEIPT_ORG_ADDRESS",
    "RECEIPT_ORG_TAX_ID",
    "RECEIPT_ORG_CHARITY_ANNOUNCEMENT",
    "RECEIPT_ORG_CHARITY_DATE",
    "RECEIPT_SIGNATORY_NAME",
    "RECEIPT_SIGNATORY_TITLE",
    "TAX_ID_KEYS",
)


def test_an_old_key_still_decrypts_after_a_new_one_is_put_first(app, monkeypatch, paid):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "TAX_ID_KEYS", [old])
    paid(**TAX_FIELDS)
    info = db.session.scalar(sa.select(DonationTaxInfo))
    monkeypatch.setitem(app.config, "TAX_ID_KEYS", [new, old])
    assert info.tax_id() == GOOD_ID
    rotated = crypto.rotate(info.tax_id_encrypted)
    monkeypatch.setitem(app.config, "TAX_ID_KEYS", [new])
    assert crypto.decrypt(rotated) == GOOD_ID
    with pytest.raises(crypto.InvalidToken):
        info.tax_id()  # the old key is gone: data not re-encrypted cannot be read


@pytest.fixture()
def production(monkeypatch, tmp_path):
    for name in RECEIPT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARTNERSHIP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("BASE_URL", "https://partnership.example.org")
    monkeypatch.setenv("TRUSTED_HOSTS", "partnership.example.org")
    monkeypatch.setenv("RECEIPT_ORG_NAME", "มูลนิธิ")
    monkeypatch.setenv("RECEIPT_ORG_ADDRESS", "กรุงเทพมหานคร")
    monkeypatch.setenv("RECEIPT_ORG_TAX_ID", "0993000000000")
    monkeypatch.setenv("RECEIPT_ORG_CHARITY_ANNOUNCEMENT", "123")
    monkeypatch.setenv("RECEIPT_ORG_CHARITY_DATE", "2019-03-01")
    monkeypatch.setenv("RECEIPT_SIGNATORY_NAME", "นางทดสอบ ลงนาม")
    monkeypatch.setenv("RECEIPT_SIGNATORY_TITLE", "เหรัญญิก")
    keys = f"{Fernet.generate_key().decode()}, {Fernet.generate_key().decode()}"
    monkeypatch.setenv("TAX_ID_KEYS", keys)
    return monkeypatch


def test_production_takes_its_keys_newest_first(production, tmp_path):
    config = load_config(str(tmp_path))
    assert len(config["TAX_ID_KEYS"]) == 2
    assert config["RECEIPT_LINK_MAX_AGE"] == 365 * 86400


@pytest.mark.parametrize("name", RECEIPT_SETTINGS)
def test_production_refuses_to_start_without_a_receipt_setting(production, tmp_path, name):
    production.delenv(name)
    with pytest.raises(ConfigError, match=name):
        load_config(str(tmp_path))


@pytest.mark.parametrize(
    ("name", "value"),
    [("RECEIPT_ORG_CHARITY_DATE", "1/3/2562"), ("RECEIPT_SIGNATURE_IMAGE", "/no/such/file.png")],
)
def test_a_bad_receipt_setting_is_refused_at_start(production, tmp_path, name, value):
    production.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_config(str(tmp_path))


def test_a_bad_key_is_refused_at_start(production, tmp_path):
    production.setenv("TAX_ID_KEYS", f"{Fernet.generate_key().decode()},not-a-key")
    with pytest.raises(ConfigError, match="key 2"):
        load_config(str(tmp_path))


def test_development_derives_a_key_from_the_secret(monkeypatch, tmp_path):
    for name in RECEIPT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARTNERSHIP_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "one")
    first = load_config(str(tmp_path))
    assert load_config(str(tmp_path))["TAX_ID_KEYS"] == first["TAX_ID_KEYS"]
    monkeypatch.setenv("SECRET_KEY", "two")
    assert load_config(str(tmp_path))["TAX_ID_KEYS"] != first["TAX_ID_KEYS"]
    assert first["RECEIPT_ORG_NAME"]  # demo details
