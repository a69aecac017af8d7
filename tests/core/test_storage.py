"""The file store on both backends: a local folder, and moto's S3 server on loopback reached
through boto3 over HTTP. Put, get, delete, a missing key, keys that are not ours, writes that
go with the transaction, and a store that cannot be reached."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from partnership import create_app
from partnership.config import ConfigError
from partnership.core.storage import (
    LocalStorage,
    MissingFile,
    S3Storage,
    StoreUnavailable,
    build_storage,
    delete_file_after_commit,
    get_storage,
    new_key,
    save_file,
)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


PNG = png_bytes()
PDF = b"%PDF-1.4\n%%EOF\n"


def test_the_configured_backend_is_used(app, store):
    expected = LocalStorage if store.kind == "local" else S3Storage
    assert isinstance(get_storage(), expected)


def test_put_get_delete(app, store):
    storage = get_storage()
    key = new_key("image/png")
    storage.save(key, PNG, "image/png")
    assert store.keys() == [key]

    stored = storage.fetch(key)
    assert stored.data == PNG
    assert stored.content_type == "image/png"
    # The same validator on both backends: S3's ETag of a one-piece upload is its MD5.
    assert stored.etag == hashlib.md5(PNG).hexdigest()
    assert stored.last_modified is not None
    assert storage.load(key) == PNG

    storage.delete(key)
    assert store.keys() == []
    with pytest.raises(MissingFile):
        storage.fetch(key)
    storage.delete(key)  # already gone: no error


def test_a_key_in_a_folder(app, store):
    storage = get_storage()
    key = new_key("image/jpeg", folder="campaign-photos").replace(".jpg", "-480.jpg")
    storage.save(key, b"\xff\xd8\xff not checked here", "image/jpeg")
    assert store.keys() == [key]
    if store.kind == "local":
        assert (store.folder / "campaign-photos" / key.split("/")[1]).is_file()
    assert storage.fetch(key).content_type == "image/jpeg"


def test_a_missing_key_is_missing_not_an_error(app, store):
    with pytest.raises(MissingFile):
        get_storage().fetch(new_key("application/pdf"))


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "a" * 32 + ".exe",
        "A" * 32 + ".pdf",
        "campaign-photos/../" + "a" * 32 + ".pdf",
        "x/y/" + "a" * 32 + ".pdf",
        "",
    ],
    ids=[
        "dotdot",
        "absolute",
        "extension",
        "upper-case",
        "dotdot-in-folder",
        "two-folders",
        "empty",
    ],
)
def test_only_our_keys_reach_the_store(app, store, key):
    storage = get_storage()
    for call in (
        lambda: storage.save(key, PDF, "application/pdf"),
        lambda: storage.fetch(key),
        lambda: storage.delete(key),
    ):
        with pytest.raises(ValueError, match="not a storage key"):
            call()
    assert store.keys() == []


def test_writes_go_with_the_transaction(app, db, store):
    kept, dropped = new_key("application/pdf"), new_key("application/pdf")
    save_file(dropped, PDF, "application/pdf")
    assert store.keys() == [dropped]
    db.session.rollback()
    assert store.keys() == []  # the transaction that stored it rolled back

    save_file(kept, PDF, "application/pdf")
    db.session.commit()
    assert store.keys() == [kept]

    delete_file_after_commit(kept)
    db.session.rollback()
    assert store.keys() == [kept]  # the row it belongs to was not deleted after all
    delete_file_after_commit(kept)
    assert store.keys() == [kept]  # not before the commit
    db.session.commit()
    assert store.keys() == []


def test_a_savepoint_does_not_settle_the_files(app, db, store):
    """A savepoint released inside the transaction is not the commit: the outer rollback still
    removes what was stored."""
    key = new_key("application/pdf")
    savepoint = db.session.begin_nested()
    save_file(key, PDF, "application/pdf")
    savepoint.commit()  # releases the savepoint only
    assert store.keys() == [key]
    db.session.rollback()
    assert store.keys() == []


def test_a_file_left_when_the_session_closes_without_commit_is_removed(app, db, store):
    key = new_key("application/pdf")
    save_file(key, PDF, "application/pdf")
    db.session.remove()  # the request ended in an exception: Flask-SQLAlchemy closes the session
    assert store.keys() == []


def test_a_store_that_cannot_be_reached_says_so(app, store):
    key = new_key("application/pdf")
    get_storage().save(key, PDF, "application/pdf")
    # A bucket that is not there (a wrong S3_BUCKET), then a server nobody answers at.
    for how in ["no-bucket", "unreachable"] if store.kind == "s3" else ["unreachable"]:
        store.go_down(how)
        storage = get_storage()
        with pytest.raises(StoreUnavailable):
            storage.save(new_key("application/pdf"), PDF, "application/pdf")
        with pytest.raises(StoreUnavailable):
            storage.fetch(key)  # not "missing": the file may well be there
        if store.kind == "s3":  # unlinking a file that cannot exist is no error in a folder
            with pytest.raises(StoreUnavailable):
                storage.delete(key)


def test_a_failed_write_leaves_nothing_behind(app, db, store):
    store.go_down()
    with pytest.raises(StoreUnavailable):
        save_file(new_key("application/pdf"), PDF, "application/pdf")
    db.session.rollback()  # nothing tracked for a write that failed: no delete is attempted


def test_settings_are_checked_at_start_up(database_url, tmp_path):
    base = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test",
        "UPLOAD_FOLDER": str(tmp_path),
    }
    with pytest.raises(ConfigError, match="UPLOAD_STORAGE must be local or s3"):
        create_app(base | {"UPLOAD_STORAGE": "ftp"})
    with pytest.raises(ConfigError, match="S3_BUCKET"):
        create_app(base | {"UPLOAD_STORAGE": "s3", "S3_BUCKET": ""})
    with pytest.raises(ConfigError, match="S3_ENDPOINT_URL"):
        build_storage({"UPLOAD_STORAGE": "s3", "S3_BUCKET": "b", "S3_ENDPOINT_URL": "minio:9000"})
    assert isinstance(build_storage({"UPLOAD_FOLDER": str(tmp_path)}), LocalStorage)
