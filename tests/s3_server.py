"""A real S3-compatible server for the tests: moto's server mode in its own process on loopback.

The S3 backend talks to it through boto3 over HTTP exactly as it talks to AWS or MinIO: the
requests are signed, the answers are S3's XML, a missing key is S3's ``NoSuchKey`` 404. moto is
the fake the AWS SDKs' own users test against, and it answers from its model of the S3 API, not
from our reading of it (STYLE.md practice 14).

``S3Server.start()`` runs ``python -m moto.server`` on a free port and waits until it answers;
``stop()`` ends the process. ``closed_port()`` is an address where nothing listens, for "the
bucket cannot be reached".
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

#: Credentials and region for moto (it accepts any; boto3 needs some to sign requests).
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    # Never the developer's own ~/.aws files: the test talks to moto alone.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


#: Loopback is never reached through a proxy the environment may name (HTTP_PROXY).
NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def no_proxy() -> str:
    """NO_PROXY with loopback added, for boto3 in the test process."""
    given = os.environ.get("NO_PROXY") or os.environ.get("no_proxy") or ""
    return ",".join(filter(None, [given, "127.0.0.1", "localhost"]))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A loopback port with nothing listening: connections to it are refused at once."""
    return free_port()


class S3Server:
    def __init__(self, log: Path):
        self.log = log
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._client = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> S3Server:
        for _attempt in range(3):  # another process may take the free port before moto binds it
            self.port = free_port()
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=os.environ | CREDENTIALS | {"NO_PROXY": no_proxy()},
                )
            if self._wait(timeout):
                return self
            self.stop()
        raise RuntimeError(f"moto's S3 server did not start; see {self.log}")

    def _wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with NO_PROXY_OPENER.open(f"{self.endpoint_url}/moto-api/", timeout=2):
                    return True
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.process = None

    def client(self):
        """A boto3 client of our own on the server, to look at the bucket beside the app."""
        if self._client is None:
            self._client = self._new_client()
        return self._client

    def empty(self, bucket: str) -> None:
        """Delete every object in ``bucket`` (a test starts with an empty bucket)."""
        client = self.client()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                client.delete_object(Bucket=bucket, Key=item["Key"])

    def _new_client(self):
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
        )
        config = Config(proxies={}, s3={"addressing_style": "path"})
        return session.client("s3", endpoint_url=self.endpoint_url, config=config)
