def test_home_renders_in_thai(client, make_school):
    make_school()
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="th"' in response.text
