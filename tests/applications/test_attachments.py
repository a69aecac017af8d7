"""Attachments: type by content, size and count limits, hostile names, storage outside static,
downloads only for those allowed."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import quote

import pytest
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfWriter

from partnership.applications.models import ApplicationState, Attachment

EXE = b"MZ\x90\x00" + b"\x00" * 64


def pdf_bytes(*, password: str | None = None) -> bytes:
    """A real one-page PDF, written by pypdf."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(kind: str, size=(40, 20), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind, **save)
    return out.getvalue()


PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


@pytest.fixture()
def draft(client, make_programme, school_staff, make_application, login):
    user, school = school_staff()
    application = make_application(make_programme(), school)
    login(user)
    return application


def _upload(client, application, *files):
    return client.post(
        f"/applications/{application.id}/attachments",
        data={"files": [(io.BytesIO(data), name) for name, data in files]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _count(db) -> int:
    return db.session.scalar(db.select(db.func.count(Attachment.id)))


@pytest.fixture(autouse=True)
def on_each_backend(store):
    """Every test here runs on a fresh local folder and on a fresh bucket of moto's S3 server."""
    return store


def test_pdf_png_jpeg_are_stored_under_random_keys(app, store, client, db, draft):
    response = _upload(
        client, draft, ("แผนโครงการ ปี 2564.pdf", PDF), ("photo.PNG", PNG), ("รูป.jpeg", JPEG)
    )
    assert response.status_code == 200
    attachments = db.session.scalars(db.select(Attachment).order_by(Attachment.id)).all()
    assert [(a.filename, a.content_type) for a in attachments] == [
        ("แผนโครงการ ปี 2564.pdf", "application/pdf"),
        ("photo.png", "image/png"),
        ("รูป.jpg", "image/jpeg"),
    ]
    assert store.keys() == sorted(a.storage_key for a in attachments)
    assert all(len(a.storage_key) == 36 for a in attachments)
    assert store.kind == "s3" or "static" not in app.config["UPLOAD_FOLDER"]
    download = client.get(f"/applications/{draft.id}/attachments/{attachments[0].id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", EXE, "is not a PDF, JPEG or PNG file."),
        ("photo.png", b"<html><script>alert(1)</script>", "is not a PDF, JPEG or PNG file."),
        ("empty.pdf", b"", "is empty."),
        ("../../evil.pdf", PDF, "a file name cannot contain folders"),
        ("/etc/passwd.pdf", PDF, "a file name cannot contain folders"),
    ],
    ids=["exe-as-pdf", "html-as-png", "empty", "dotdot", "absolute"],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    app, store, client, db, draft, name, data, message
):
    response = _upload(client, draft, ("good.pdf", PDF), (name, data))
    assert message in response.text
    assert "No file was added." in response.text
    assert _count(db) == 0
    assert store.keys() == []


@pytest.mark.parametrize(
    "name", ["..\\..\\windows\\evil.pdf", "C:\\Users\\ครู\\แผน.pdf"], ids=["dotdot", "drive"]
)
def test_backslash_name_never_becomes_a_stored_path(app, store, client, db, draft, name):
    """A Windows path in the file name: the app refuses it if it arrives, and whatever the
    multipart parser passes on (Werkzeug 3.1.9 unescapes the backslashes away, older versions
    keep them), the stored name has no folder part and the file lands only under its random key."""
    from flask_babel import force_locale
    from werkzeug.datastructures import FileStorage

    from partnership.applications.services import ApplicationError, attach_files

    with force_locale("en"), pytest.raises(ApplicationError, match="cannot contain folders"):
        attach_files(draft, [FileStorage(io.BytesIO(PDF), filename=name)], None)

    response = _upload(client, draft, (name, PDF))
    assert response.status_code == 200
    attachments = db.session.scalars(db.select(Attachment)).all()
    if not attachments:
        assert "a file name cannot contain folders" in response.text
    for attachment in attachments:
        assert not {"/", "\\", ":"} & set(attachment.filename), attachment.filename
        assert not attachment.filename.startswith("."), attachment.filename
        assert attachment.filename.endswith(".pdf")
    assert store.keys() == sorted(a.storage_key for a in attachments)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("page.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>", "not a readable PDF"),
        ("cut.pdf", PDF[: len(PDF) // 2], "not a readable PDF"),
        ("locked.pdf", pdf_bytes(password="secret"), "protected by a password"),
        ("open-locked.pdf", pdf_bytes(password=""), "protected by a password"),
        (
            "cut.png",
            image_bytes("PNG", (300, 300), compress_level=0)[:2000],
            "not a readable image",
        ),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"<html>" * 20, "not a readable image"),
        ("fake.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "not a readable image"),
        ("png.jpg", b"\xff\xd8\xff" + PNG, "not a readable image"),
    ],
    ids=[
        "html-behind-pdf-magic",
        "truncated-pdf",
        "encrypted-pdf",
        "encrypted-pdf-no-user-password",
        "truncated-png",
        "html-behind-png-magic",
        "zeros-behind-jpeg-magic",
        "png-behind-jpeg-magic",
    ],
)
def test_files_that_do_not_parse_are_refused(app, store, client, db, draft, name, data, message):
    """The first bytes only choose the parser: the whole file must parse as what it claims."""
    response = _upload(client, draft, ("good.pdf", PDF), (name, data))
    assert f"{name} is {message}" in response.text
    assert "No file was added." in response.text
    assert _count(db) == 0
    assert store.keys() == []


def test_oversized_file_is_refused(app, store, client, db, draft, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1000)
    response = _upload(client, draft, ("big.pdf", PDF + b"0" * 1000))
    assert "is larger than" in response.text
    assert _count(db) == 0
    assert store.keys() == []


def test_request_over_max_content_length_gets_a_message_not_a_500(
    app, client, db, draft, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    response = _upload(client, draft, ("huge.pdf", PDF + b"0" * 5000))
    assert response.status_code == 200
    assert "The upload is too large." in response.text
    assert _count(db) == 0


def test_too_many_files(app, store, client, db, draft):
    _upload(client, draft, *[(f"f{i}.pdf", PDF) for i in range(4)])
    assert _count(db) == 4
    response = _upload(client, draft, ("five.pdf", PDF), ("six.pdf", PDF))
    assert "at most 5 files" in response.text
    assert _count(db) == 4
    assert len(store.keys()) == 4
    _upload(client, draft, ("five.pdf", PDF))
    assert _count(db) == 5


def test_remove_attachment_deletes_the_file(app, store, client, db, draft):
    _upload(client, draft, ("a.pdf", PDF))
    attachment = db.session.scalar(db.select(Attachment))
    response = client.post(f"/applications/{draft.id}/attachments/{attachment.id}/delete")
    assert response.status_code == 302
    assert _count(db) == 0
    assert store.keys() == []


def test_download_permissions(app, client, db, draft, school_staff, act_as, login_as, make_user):
    _upload(client, draft, ("a.pdf", PDF))
    attachment = db.session.scalar(db.select(Attachment))
    url = f"/applications/{draft.id}/attachments/{attachment.id}"
    other_user, _ = school_staff()
    act_as(other_user)
    assert client.get(url).status_code == 403
    act_as(make_user())  # a donor account
    assert client.get(url).status_code == 403
    act_as(make_user(is_staff=True))
    assert client.get(url).status_code == 200
    act_as(None)
    assert client.get(url).status_code in (302, 401)
    # An attachment id under another application's URL is not found.
    assert (
        client.get(f"/applications/{draft.id + 999}/attachments/{attachment.id}").status_code == 404
    )


def test_attachments_frozen_after_submission(app, client, db, draft):
    _upload(client, draft, ("a.pdf", PDF))
    attachment = db.session.scalar(db.select(Attachment))
    draft.state = ApplicationState.ELIGIBLE
    from partnership.db_types import utcnow

    draft.submitted_at = utcnow()
    db.session.commit()
    response = client.post(
        f"/applications/{draft.id}/attachments",
        data={"files": [(io.BytesIO(PDF), "b.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert (
        client.post(f"/applications/{draft.id}/attachments/{attachment.id}/delete").status_code
        == 403
    )
    assert _count(db) == 1


def _gps_jpeg() -> bytes:
    """A 40 × 20 photo whose EXIF says: turn it a quarter (orientation 6), taken here, by this."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (16.0, 26.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", (102.0, 50.0, 0.0)
    return image_bytes("JPEG", (40, 20), exif=exif)


def test_a_photo_is_stored_without_its_exif_and_gps_but_turned_upright(app, client, db, draft):
    photo = _gps_jpeg()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    _upload(client, draft, ("ห้องเรียน.jpg", photo))
    attachment = db.session.scalar(db.select(Attachment))
    download = client.get(f"/applications/{draft.id}/attachments/{attachment.id}")
    assert download.status_code == 200
    stored = Image.open(io.BytesIO(download.data))
    assert stored.format == "JPEG"
    assert stored.size == (20, 40)  # the orientation is applied to the pixels, then dropped
    assert dict(stored.getexif()) == {}
    assert b"PhoneCo" not in download.data
    assert attachment.size_bytes == len(download.data)
    assert attachment.sha256 == hashlib.sha256(download.data).hexdigest()
    assert download.mimetype == "image/jpeg"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_png_keeps_its_pixels_and_loses_text_and_whatever_follows_it(app, client, db, draft):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "ครูสมศรี 081-234-5678")
    png = image_bytes("PNG", (30, 30), pnginfo=info) + b"<html><script>alert(1)</script>"
    _upload(client, draft, ("plan.png", png))
    attachment = db.session.scalar(db.select(Attachment))
    download = client.get(f"/applications/{draft.id}/attachments/{attachment.id}")
    stored = Image.open(io.BytesIO(download.data))
    assert stored.format == "PNG" and stored.size == (30, 30)
    assert stored.getpixel((5, 5)) == (200, 30, 30)
    assert "Author" not in stored.info
    assert b"<html>" not in download.data and b"081" not in download.data


def test_a_real_pdf_is_kept_byte_for_byte(app, client, db, draft):
    _upload(client, draft, ("ใบเสนอราคา.pdf", PDF))
    attachment = db.session.scalar(db.select(Attachment))
    download = client.get(f"/applications/{draft.id}/attachments/{attachment.id}")
    assert download.data == PDF
    assert attachment.filename == "ใบเสนอราคา.pdf"


# Through the file store: headers, a missing object, a store that cannot be reached ------------


def test_a_download_says_what_it_is_and_that_no_cache_may_keep_it(app, client, db, draft):
    _upload(client, draft, ("แผนงาน ปี 2567.pdf", PDF))
    attachment = db.session.scalar(db.select(Attachment))
    download = client.get(f"/applications/{draft.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "filename*=UTF-8''" + quote("แผนงาน ปี 2567.pdf", safe="") in disposition
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_an_attachment_whose_file_is_gone_is_a_404(app, store, client, db, draft):
    _upload(client, draft, ("plan.pdf", PDF))
    attachment = db.session.scalar(db.select(Attachment))
    store.remove(attachment.storage_key)
    download = client.get(f"/applications/{draft.id}/attachments/{attachment.id}")
    assert download.status_code == 404
    assert "This page does not exist." in download.text


def test_an_unreachable_store_refuses_the_upload_and_saves_nothing(app, store, client, db, draft):
    store.go_down()
    response = _upload(client, draft, ("plan.pdf", PDF), ("photo.png", PNG))
    assert response.status_code == 503
    assert "The file store does not answer, so nothing was saved." in response.text
    assert response.headers["Retry-After"] == "60"
    assert _count(db) == 0
    assert store.keys() == []


def test_a_store_failing_on_the_second_file_keeps_neither(
    app, store, client, db, draft, monkeypatch
):
    from partnership.core.storage import StoreUnavailable, get_storage

    storage = get_storage()
    real_save, saved = storage.save, []

    def fails_the_second_time(key, data, content_type):
        if saved:
            raise StoreUnavailable("the connection broke")
        real_save(key, data, content_type)
        saved.append(key)

    monkeypatch.setattr(storage, "save", fails_the_second_time)
    response = _upload(client, draft, ("plan.pdf", PDF), ("photo.png", PNG))
    assert response.status_code == 503
    assert len(saved) == 1  # the first file was stored …
    assert store.keys() == []  # … and removed again with the rollback
    assert _count(db) == 0


def test_a_failed_database_write_removes_the_files_already_stored(app, store, db, draft):
    from werkzeug.datastructures import FileStorage

    from partnership.applications.services import attach_files

    def refuse(session, context, instances):
        if any(isinstance(row, Attachment) for row in session.new):
            raise RuntimeError("the database refused the row")

    db.event.listen(db.session, "before_flush", refuse)
    try:
        with pytest.raises(RuntimeError):
            attach_files(draft, [FileStorage(io.BytesIO(PDF), filename="plan.pdf")], None)
        assert len(store.keys()) == 1  # stored before the row was written …
    finally:
        db.event.remove(db.session, "before_flush", refuse)
    db.session.rollback()  # … as the request does after any exception
    assert store.keys() == []
    assert _count(db) == 0


def test_a_download_when_the_store_is_down_is_a_503_not_a_500(app, store, client, db, draft):
    _upload(client, draft, ("plan.pdf", PDF))
    attachment = db.session.scalar(db.select(Attachment))
    store.go_down()
    download = client.get(f"/applications/{draft.id}/attachments/{attachment.id}")
    assert download.status_code == 503
    assert "The file cannot be opened right now" in download.text
    assert download.headers["Cache-Control"] == "no-store"


def test_a_removed_attachment_whose_file_cannot_be_deleted_is_logged(
    app, store, client, db, draft, caplog
):
    """The row goes (it was committed); the file the store would not delete is named in the log
    for someone to remove, never the other way round (a row pointing at nothing)."""
    _upload(client, draft, ("plan.pdf", PDF))
    attachment = db.session.scalar(db.select(Attachment))
    key = attachment.storage_key
    store.go_down()
    response = client.post(
        f"/applications/{draft.id}/attachments/{attachment.id}/delete", data={"reason": "x"}
    )
    assert response.status_code == 302
    assert _count(db) == 0
    assert store.keys() == [key]
    assert f"could not delete {key}" in caplog.text
