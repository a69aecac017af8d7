"""Public pages and static files travel compressed; signed-in pages never do (BREACH)."""

from __future__ import annotations

import gzip

import brotli
import pytest

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def _decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(response.data)
    if encoding == "br":
        return brotli.decompress(response.data)
    if encoding == "zstd":
        from backports import zstd

        return zstd.decompress(response.data)
    assert encoding is None, encoding
    return response.data


@pytest.mark.parametrize("path", ["/figures/provinces", "/campaigns", "/static/css/app.css"])
@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
def test_an_anonymous_visitor_gets_the_same_page_compressed(client, path, encoding):
    with client.get(path) as plain:  # closes the static file the test client leaves open
        assert plain.status_code == 200
        assert "Content-Encoding" not in plain.headers  # a client that did not ask
        body = plain.data

    packed = client.get(path, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(body) / 2
    assert _decoded(packed) == body


def test_the_kept_page_is_kept_plain_and_served_both_ways(app, client):
    """The page store holds the page as rendered: one visitor's encoding is not another's."""
    first = client.get("/figures/provinces", headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    again = client.get("/figures/provinces")
    assert "Content-Encoding" not in again.headers
    assert again.data == _decoded(first)
    gz = client.get("/figures/provinces", headers={"Accept-Encoding": "gzip"})
    assert _decoded(gz) == again.data


@pytest.mark.parametrize("role", ["staff", "donor"])
def test_a_signed_in_page_is_never_compressed(client, login_as, role):
    login_as(role)
    page = client.get("/campaigns", headers=BROWSER)
    assert page.status_code == 200
    assert "Content-Encoding" not in page.headers
    # Their styles are the same for everyone and still travel compressed.
    css = client.get("/static/css/app.css", headers=BROWSER)
    assert css.headers["Content-Encoding"] in {"zstd", "br", "gzip"}


def test_small_answers_errors_and_downloads_go_as_they_are(client):
    assert "Content-Encoding" not in client.get("/healthz", headers=BROWSER).headers
    missing = client.get("/campaigns/999999999", headers=BROWSER)
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers
    download = client.get("/figures/provinces.csv", headers=BROWSER)
    assert download.status_code == 200, download.status_code
    assert "Content-Encoding" not in download.headers
