"""Where attachments live: a local folder (default) or an S3-compatible bucket.

Files are stored under a random key, never the uploader's name, outside ``static/``; they are
served only through the application's download view, after its permission check.
``UPLOAD_STORAGE=local`` (``UPLOAD_FOLDER``, default ``instance/uploads``) or ``s3``
(``S3_BUCKET``, optional ``S3_ENDPOINT_URL``; credentials from the usual AWS environment
variables). The s3 backend needs boto3, which is not a dependency: install it where you use it.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

from ..config import ConfigError

#: Content types we accept, recognised by their first bytes (never by the file name); the first
#: bytes only choose the parser that ``uploads.checked_content`` then runs over the whole file.
MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
EXTENSIONS = {content_type: ext for _, content_type, ext in MAGIC}
_KEY_RE = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg)$")


def sniff_type(head: bytes) -> str | None:
    """The content type the bytes really are, or None if not one we accept."""
    for magic, content_type, _ in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def clean_filename(name: str | None, content_type: str) -> str:
    """A display name safe to show and to send back: no path, no control characters; Thai kept.

    The extension always matches the real content type.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C",))
    name = re.sub(r"[^\w\s.()\-\u0E00-\u0E7F]", "_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    stem, _, _ext = name.rpartition(".") if "." in name else (name, "", "")
    stem = stem.strip(" ._")[:120] or "attachment"
    return stem + EXTENSIONS[content_type]


def new_key(content_type: str) -> str:
    return secrets.token_hex(16) + EXTENSIONS[content_type]


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...
    def load(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files in one folder, named by their random key."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        if not _KEY_RE.match(key):
            raise ValueError("not a storage key")
        return self.folder / key

    def save(self, key: str, data: bytes, content_type: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def load(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, Cloudflare R2 …) through boto3."""

    def __init__(self, bucket: str, endpoint_url: str = ""):
        try:
            import boto3  # noqa: PLC0415 - optional, only for this backend
        except ImportError as exc:  # pragma: no cover - depends on the host
            raise ConfigError(
                "UPLOAD_STORAGE=s3 needs the boto3 package: pip install boto3"
            ) from exc
        if not bucket:
            raise ConfigError("UPLOAD_STORAGE=s3 needs S3_BUCKET")
        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None)

    def save(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def load(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


def build_storage(config) -> Storage:
    kind = config.get("UPLOAD_STORAGE", "local")
    if kind == "local":
        return LocalStorage(config["UPLOAD_FOLDER"])
    if kind == "s3":
        return S3Storage(config.get("S3_BUCKET", ""), config.get("S3_ENDPOINT_URL", ""))
    raise ConfigError(f"UPLOAD_STORAGE must be local or s3, not {kind!r}")


def init_storage(app: Flask) -> None:
    """Check the storage settings at start-up and size the request limit for uploads."""
    build_storage(app.config)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # All files of one upload plus the form around them; bigger requests get a 413 page.
        app.config["MAX_CONTENT_LENGTH"] = (
            app.config["UPLOAD_MAX_BYTES"] * app.config["UPLOAD_MAX_FILES"] + 1024 * 1024
        )


def get_storage() -> Storage:
    """The configured backend (built per call: config may change in tests)."""
    return build_storage(current_app.config)
