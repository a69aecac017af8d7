"""Suppliers (registry organisations of kind vendor) and their invoice files in the file store."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.storage import load_file, new_key, save_file
from ..core.uploads import RefusedFile, checked_content, clean_filename, sniff_type
from ..extensions import db
from ..registry.models import Organisation, OrganisationKind, Sector
from .refusals import InvoiceRefused, SpendingRefused

#: The folder of invoices in the file store.
INVOICE_FOLDER = "invoices"


# Invoices ----------------------------------------------------------------------------------------


def store_invoice(data: bytes, filename: str) -> tuple[str, str, str]:
    """Parse and store an invoice (PDF, JPEG or PNG); (key, clean name, content type).

    The file goes with the transaction: a refused form leaves nothing behind."""
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise InvoiceRefused(_l("The file is too large."))
    content_type = sniff_type(data[:16])
    if content_type is None:
        raise InvoiceRefused(_l("The invoice must be a PDF, JPEG or PNG file."))
    try:
        stored = checked_content(data, content_type, clean_filename(filename, content_type))
    except RefusedFile as error:
        raise InvoiceRefused(error.user_message()) from error
    key = new_key(content_type, INVOICE_FOLDER)
    save_file(key, stored, content_type)
    return key, clean_filename(filename, content_type), content_type


# Vendors --------------------------------------------------------------------------------------


def vendors() -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.kind == OrganisationKind.VENDOR)
            .order_by(Organisation.name)
        )
    )


def register_vendor(name: str, tax_id: str) -> Organisation:
    """A supplier in the registry (kind vendor: never listed as a sponsor or partner)."""
    name = name.strip()
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.name == name)):
        raise SpendingRefused(_l("An organisation with this name is already registered."))
    vendor = Organisation(
        name=name, kind=OrganisationKind.VENDOR, sector=Sector.PRIVATE, tax_id=tax_id
    )
    db.session.add(vendor)
    db.session.flush()
    return vendor


def copy_invoice(key: str, content_type: str) -> str:
    """The same file under a key of its own (each row owns what it points at); the new key."""
    copy = new_key(content_type, INVOICE_FOLDER)
    save_file(copy, load_file(key), content_type)
    return copy
