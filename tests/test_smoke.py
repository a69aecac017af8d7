def test_home_renders_in_thai(client, make_school):
    make_school()
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="th"' in response.text


def test_every_page_has_an_icon(client):
    """The icon is linked from the layout and /favicon.ico answers too (no 404 in the console)."""
    page = client.get("/").text
    assert '<link rel="icon" href="/static/favicon.ico"' in page
    for url in ("/favicon.ico", "/static/favicon.ico"):
        with client.get(url) as response:  # closes the file the response streams
            assert response.status_code == 200
            assert response.mimetype == "image/vnd.microsoft.icon"
            assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
            assert len(response.data) < 4096
