"""Error pages speak Chinese too (DEBUG is off in production and in tests)."""


def test_missing_page_is_explained_in_chinese(client, clerk):
    client.force_login(clerk)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_forbidden_page_is_explained_in_chinese(client, clerk):
    client.force_login(clerk)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 403
    assert "无权" in response.content.decode()
