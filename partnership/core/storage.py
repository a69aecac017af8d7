"""The file store: every uploaded file (application attachments, offline-gift slips, campaign
photos and their sizes) lives here, in a local folder or an S3-compatible bucket.

``UPLOAD_STORAGE=local`` keeps files under ``UPLOAD_FOLDER`` (default ``instance/uploads``);
``UPLOAD_STORAGE=s3`` keeps them in ``S3_BUCKET`` (optional ``S3_ENDPOINT_URL`` for MinIO, moto,
Cloudflare R2 …, optional ``S3_REGION``; credentials from the usual AWS variables) through
boto3, the ``s3`` extra. A key is the file's path below the folder and its name in the bucket
(``<32 hex>.pdf``, ``campaign-photos/<32 hex>-480.jpg``), so a folder copied into a bucket as it
is (``aws s3 sync``) keeps every key. Files are stored under random keys, never the uploader's
name, outside ``static/``, and served only through a view (``send_private`` after a
permission check, ``send_public`` for photos).

Writes belong to the request's unit of work: ``save_file`` removes the object again if the
database transaction rolls back, and ``delete_file_after_commit`` deletes only once the row is
gone for good. A store that cannot be reached raises ``StoreUnavailable``, answered as a 503
page that says nothing was saved; a key with no object raises ``MissingFile``, a 404.
See docs/architecture/file-store.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, abort, current_app, jsonify, render_template, request, send_file
from flask_babel import gettext as _

from ..config import ConfigError
from ..extensions import db
from .downloads import private_download
from .uploads import EXTENSIONS

log = logging.getLogger(__name__)

#: A key: an optional folder of lower-case words, 32 hex digits, an optional ``-<size>``, and
#: the extension of one of the types we accept. Nothing else reaches the folder or the bucket.
_KEY_RE = re.compile(r"^(?:[a-z][a-z0-9-]{0,39}/)?[0-9a-f]{32}(?:-[0-9]{1,5})?\.(?:pdf|png|jpg)$")
_TYPES_BY_EXTENSION = {ext: content_type for content_type, ext in EXTENSIONS.items()}

#: Seconds to wait for the bucket's server to accept a connection, then to answer; with the
#: retries, a bucket that is down costs a request a few seconds, not a worker's whole timeout.
S3_CONNECT_TIMEOUT = 3
S3_READ_TIMEOUT = 20
S3_ATTEMPTS = 2


class StoreError(Exception):
    """Something went wrong in the file store."""


class MissingFile(StoreError, LookupError):
    """No object under this key (a row that outlived its file): answered as a 404."""


class StoreUnavailable(StoreError):
    """The folder or the bucket cannot be written or read now: answered as a 503."""


@dataclass(frozen=True)
class StoredFile:
    data: bytes
    content_type: str
    #: The MD5 of the bytes, as S3 gives it for a file put in one piece; the same on both backends.
    etag: str
    last_modified: datetime | None


def new_key(content_type: str, folder: str = "") -> str:
    """A fresh random key for a file of ``content_type`` (``folder/`` in front if given)."""
    key = secrets.token_hex(16) + EXTENSIONS[content_type]
    return f"{folder}/{key}" if folder else key


def check_key(key: str) -> str:
    """``key`` if it is one of ours; a ``ValueError`` for anything else (``../x``, ``/etc``)."""
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def content_type_of(key: str) -> str:
    """The content type a key's extension stands for."""
    return _TYPES_BY_EXTENSION[os.path.splitext(key)[1]]


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...
    def load(self, key: str) -> bytes: ...
    def fetch(self, key: str) -> StoredFile: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files in one folder (and its ``campaign-photos`` folder), named by their key."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / check_key(key)

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        part = path.with_name(path.name + f".{secrets.token_hex(4)}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part.write_bytes(data)
            os.replace(part, path)  # readers see the whole file or none
        except OSError as error:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
            raise StoreUnavailable(f"cannot write {key} in {self.folder}: {error}") from error

    def load(self, key: str) -> bytes:
        return self.fetch(key).data

    def fetch(self, key: str) -> StoredFile:
        path = self._path(key)
        try:
            data = path.read_bytes()
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except FileNotFoundError as error:
            raise MissingFile(key) from error
        except OSError as error:
            raise StoreUnavailable(f"cannot read {key} in {self.folder}: {error}") from error
        return StoredFile(data, content_type_of(key), _md5(data), modified)

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as error:
            raise StoreUnavailable(f"cannot delete {key} in {self.folder}: {error}") from error


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, Cloudflare R2, moto …) through boto3."""

    def __init__(self, bucket: str, endpoint_url: str = "", region: str = ""):
        try:
            import boto3  # noqa: PLC0415 - the s3 extra, only for this backend
            from botocore.config import Config  # noqa: PLC0415
        except ImportError as exc:  # pragma: no cover - depends on the host
            raise ConfigError(
                "UPLOAD_STORAGE=s3 needs boto3: pip install 'partnership[s3]'"
            ) from exc
        if not bucket:
            raise ConfigError("UPLOAD_STORAGE=s3 needs S3_BUCKET")
        if endpoint_url and urlsplit(endpoint_url).scheme not in ("http", "https"):
            raise ConfigError(f"S3_ENDPOINT_URL must be an http(s) URL: {endpoint_url!r}")
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        config = Config(
            connect_timeout=S3_CONNECT_TIMEOUT,
            read_timeout=S3_READ_TIMEOUT,
            retries={"max_attempts": S3_ATTEMPTS, "mode": "standard"},
            # Servers other than AWS (MinIO, moto) answer at their own address, bucket in the path.
            s3={"addressing_style": "path"} if endpoint_url else None,
        )
        # A session of our own: boto3's default session is shared and not thread-safe to build.
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None, config=config
        )

    def _call(self, action: str, key: str, **params):
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        try:
            return getattr(self.client, action)(Bucket=self.bucket, Key=check_key(key), **params)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in ("NoSuchKey", "404", "NotFound"):
                raise MissingFile(key) from error
            raise StoreUnavailable(f"S3 {action} {key} in {self.bucket}: {code}") from error
        except BotoCoreError as error:  # cannot connect, timed out, no credentials …
            raise StoreUnavailable(f"S3 {action} {key} in {self.bucket}: {error}") from error

    def save(self, key: str, data: bytes, content_type: str) -> None:
        self._call("put_object", key, Body=data, ContentType=content_type)

    def load(self, key: str) -> bytes:
        return self.fetch(key).data

    def fetch(self, key: str) -> StoredFile:
        answer = self._call("get_object", key)
        try:
            data = answer["Body"].read()
        except Exception as error:  # noqa: BLE001 - the connection broke while reading
            raise StoreUnavailable(f"S3 get_object {key} in {self.bucket}: {error}") from error
        return StoredFile(
            data,
            answer.get("ContentType") or content_type_of(key),
            str(answer.get("ETag", "")).strip('"') or _md5(data),
            answer.get("LastModified"),
        )

    def delete(self, key: str) -> None:
        self._call("delete_object", key)  # S3 answers 204 for a key that is already gone


def _settings(config) -> tuple[str, ...]:
    return tuple(
        str(config.get(name, ""))
        for name in ("UPLOAD_STORAGE", "UPLOAD_FOLDER", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION")
    )


def build_storage(config) -> Storage:
    """The backend the settings name (no network call: a bucket is first used on a request)."""
    kind, folder, bucket, endpoint_url, region = _settings(config)
    kind = kind or "local"
    if kind == "local":
        return LocalStorage(folder)
    if kind == "s3":
        return S3Storage(bucket, endpoint_url, region)
    raise ConfigError(f"UPLOAD_STORAGE must be local or s3, not {kind!r}")


def get_storage() -> Storage:
    """The app's store, built once per settings (tests switch between backends)."""
    stores = current_app.extensions.setdefault("file_store", {})
    settings = _settings(current_app.config)
    if settings not in stores:
        stores[settings] = build_storage(current_app.config)
    return stores[settings]


# The store in the request's unit of work ---------------------------------------------------

_WRITTEN = "file_store.written"  # (store, key) saved in this transaction: removed on rollback
_DOOMED = "file_store.doomed"  # (store, key) to delete once this transaction commits


def _tracked(pending: str, key: str) -> None:
    session = db.session()
    if not session.in_transaction():
        session.begin()  # the file belongs to the transaction the request is about to make
    session.info.setdefault(pending, []).append((get_storage(), key))


def save_file(key: str, data: bytes, content_type: str) -> None:
    """Store ``data`` under ``key`` as part of the current transaction.

    If the transaction rolls back (a refused form, a failed flush, any exception in the
    request), the object is deleted again, so no file is left that no row points at."""
    get_storage().save(key, data, content_type)
    _tracked(_WRITTEN, key)


def delete_file_after_commit(key: str) -> None:
    """Delete the object under ``key`` once the current transaction commits (never before: a
    rollback keeps the row, which must keep its file)."""
    _tracked(_DOOMED, key)


def load_file(key: str) -> bytes:
    """The bytes under ``key`` (``MissingFile``, ``StoreUnavailable``)."""
    return get_storage().load(key)


def _delete_quietly(store: Storage, key: str, why: str) -> None:
    try:
        store.delete(key)
    except StoreError:
        log.warning("file store: could not delete %s (%s); it is left behind", key, why)


def _after_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the outer transaction may still roll back
    session.info.pop(_WRITTEN, None)
    for store, key in session.info.pop(_DOOMED, []):
        _delete_quietly(store, key, "its row was deleted")


def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(_DOOMED, None)
    for store, key in session.info.pop(_WRITTEN, []):
        _delete_quietly(store, key, "the transaction that stored it rolled back")


# Serving ----------------------------------------------------------------------------------------


def send_private(key: str, filename: str, *, content_type: str = "", inline: bool = False):
    """A stored file with personal data: ``private_download`` (no cache keeps it, nosniff,
    ``Content-Disposition`` with ``filename``). Call it after the permission check."""
    stored = _fetch_or_404(key)
    return private_download(
        stored.data,
        content_type or stored.content_type,
        filename,
        disposition="inline" if inline else "attachment",
    )


def send_public(key: str, *, content_type: str = "", max_age: int):
    """A stored file anyone may see (a campaign photo): cached ``max_age`` seconds by browsers
    and proxies, with an ETag and Last-Modified so a reload answers 304."""
    stored = _fetch_or_404(key)
    return send_file(
        io.BytesIO(stored.data),
        mimetype=content_type or stored.content_type,
        etag=stored.etag,
        last_modified=stored.last_modified,
        max_age=max_age,
        conditional=True,
    )


def _fetch_or_404(key: str) -> StoredFile:
    try:
        return get_storage().fetch(key)
    except (MissingFile, ValueError):  # no object, or a row whose key is not one of ours
        log.warning("file store: no object under %r", key)
        abort(404)


def store_unavailable(error: StoreUnavailable):
    """The folder or the bucket did not answer: roll back (so no row points at a file that was
    not stored, and the files this request did store are removed), and say so."""
    log.error("file store unavailable: %s", error, exc_info=error)
    db.session.rollback()
    if request.method in ("GET", "HEAD"):
        message = _("The file cannot be opened right now: the file store does not answer. Try "
                    "again in a few minutes.")  # fmt: skip
    else:
        message = _("The file store does not answer, so nothing was saved. Try again in a few "
                    "minutes.")  # fmt: skip
    headers = {"Retry-After": "60", "Cache-Control": "no-store"}
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    if best == "application/json" or request.path.startswith("/api/"):
        return jsonify(error=message, status=503), 503, headers
    back = urlsplit(request.referrer or "")
    back_path = "/" + back.path.lstrip("/") + (f"?{back.query}" if back.query else "")
    page = render_template("core/error.html", code=503, message=message, back=back_path)
    return page, 503, headers


def init_app(app: Flask) -> None:
    """Check the store's settings at start-up, tie writes to the session's transactions, answer
    an unreachable store with a 503, and size the request limit for uploads."""
    build_storage(app.config)
    for name, listener in (
        ("after_commit", _after_commit),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not sa.event.contains(db.session, name, listener):
            sa.event.listen(db.session, name, listener)
    app.register_error_handler(StoreUnavailable, store_unavailable)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # All files of one upload plus the form around them; bigger requests get a 413 page.
        app.config["MAX_CONTENT_LENGTH"] = (
            app.config["UPLOAD_MAX_BYTES"] * app.config["UPLOAD_MAX_FILES"] + 1024 * 1024
        )
