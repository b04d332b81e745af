"""Sign-in to the web app (FastAPI TestClient over the fakes, no model): the gate in front of the
Gradio app, the session cookie, sign-out, forged and expired sessions, session fixation, CSRF and
cross-origin posts, throttling without user enumeration, and the open app without users."""

import logging

import pytest
from fastapi.testclient import TestClient

from app.web.auth import CSRF_COOKIE, SESSION_COOKIE, session_csrf
from tests.app.web.signin import ORIGIN, PASSWORDS, csrf_of, make_web_app, message_of, sign_in

HTML = {"accept": "text/html,application/xhtml+xml"}


def plant(client, value: str) -> None:
    """A session cookie in the browser, as this site would have set it (or an attacker did)."""
    client.cookies.set(SESSION_COOKIE, value, domain="testserver.local", path="/")
FAILED = "用户名或密码不正确。"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """The whole app, Gradio mounted, with alice (member) and root (admin)."""
    web = make_web_app(tmp_path_factory.mktemp("signin"), gradio=True)
    web.add_users("alice", "root")
    return web


@pytest.fixture
def client(web):
    with TestClient(web.app) as client:
        yield client


def test_without_a_session_pages_go_to_login_and_gradio_and_the_api_refuse(client):
    page = client.get("/", headers=HTML, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    for path in ("/config", "/gradio_api/info"):
        assert client.get(path).status_code == 401, path
    join = client.post("/gradio_api/queue/join", json={"data": [], "fn_index": 0, "session_hash": "x"})
    assert join.status_code == 401
    assert client.get("/v1/models").status_code == 401
    assert client.get("/v1/conversations").json()["error"]["code"] == "no_key"
    assert client.get("/healthz").status_code in (200, 503)  # health stays open


def test_sign_in_sets_a_session_cookie_and_opens_the_app(client, web):
    reply = sign_in(client, "alice", PASSWORDS["alice"])
    assert reply.status_code == 303 and reply.headers["location"] == "/"
    cookie = next(c for c in reply.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "="))
    attributes = {a.strip().split("=")[0].lower(): a.strip() for a in cookie.split(";")[1:]}
    assert "httponly" in attributes and attributes["samesite"].lower() == "samesite=lax"
    assert attributes["path"] == "Path=/" and attributes["max-age"] == f"Max-Age={12 * 3600}"
    assert "secure" not in attributes  # plain http here
    assert client.get("/", headers=HTML, follow_redirects=False).status_code == 200
    assert client.get("/gradio_api/info").status_code == 200
    assert client.get("/login", follow_redirects=False).status_code == 200  # a form to switch users


def test_over_https_the_cookie_is_secure(web):
    with TestClient(web.app, base_url="https://testserver") as client:
        reply = sign_in(client, "alice", PASSWORDS["alice"], origin="https://testserver")
        cookie = next(c for c in reply.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "="))
        assert "Secure" in cookie


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client, web):
    sign_in(client, "alice", PASSWORDS["alice"])
    token = client.cookies[SESSION_COOKIE]
    assert "logout-submit" in client.get("/logout").text
    refused = client.post("/logout", data={"csrf": "wrong"}, headers={"origin": ORIGIN}, follow_redirects=False)
    assert refused.status_code == 403 and web.stores.accounts.session_user(token) is not None
    reply = client.post("/logout", data={"csrf": session_csrf(token)}, headers={"origin": ORIGIN},
                        follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/login"
    assert web.stores.accounts.session_user(token) is None
    plant(client, token)  # replayed
    assert client.get("/", headers=HTML, follow_redirects=False).status_code == 303
    assert client.get("/gradio_api/info").status_code == 401


def test_a_forged_cookie_is_refused(client):
    plant(client, "forged-" + "x" * 40)
    assert client.get("/", headers=HTML, follow_redirects=False).status_code == 303
    assert client.get("/gradio_api/info").status_code == 401


def test_an_expired_session_is_refused(client, web):
    sign_in(client, "alice", PASSWORDS["alice"])
    assert client.get("/gradio_api/info").status_code == 200
    web.clock.advance(hours=12, seconds=1)
    try:
        assert client.get("/gradio_api/info").status_code == 401
        assert client.get("/", headers=HTML, follow_redirects=False).headers["location"] == "/login"
    finally:
        web.clock.advance(hours=-12, seconds=-1)


def test_session_fixation_a_cookie_set_before_sign_in_is_not_the_one_after(client, web):
    # an attacker's own valid session, planted in the victim's browser
    _, planted = web.stores.accounts.login("root", PASSWORDS["root"])
    plant(client, planted)
    reply = sign_in(client, "alice", PASSWORDS["alice"])
    assert reply.status_code == 303
    after = client.cookies[SESSION_COOKIE]
    assert after != planted and web.stores.accounts.session_user(after).name == "alice"
    assert web.stores.accounts.session_user(planted) is None  # the planted session ended
    # a made-up value is replaced as well
    client.cookies.clear()
    plant(client, "chosen-by-attacker")
    sign_in(client, "alice", PASSWORDS["alice"])
    assert client.cookies[SESSION_COOKIE] != "chosen-by-attacker"


@pytest.mark.parametrize("headers", [{"origin": "http://evil.example"}, {"referer": "http://evil.example/x"},
                                     {"origin": "null"}, {}])
def test_a_cross_origin_sign_in_post_is_refused(client, headers):
    csrf = csrf_of(client.get("/login").text)
    reply = client.post("/login", data={"user": "alice", "password": PASSWORDS["alice"], "csrf": csrf},
                        headers=headers, follow_redirects=False)
    assert reply.status_code == 403 and SESSION_COOKIE not in reply.cookies


def test_a_sign_in_post_without_the_csrf_cookie_is_refused(client):
    csrf = csrf_of(client.get("/login").text)
    client.cookies.delete(CSRF_COOKIE, path="/login")
    client.cookies.clear()
    reply = client.post("/login", data={"user": "alice", "password": PASSWORDS["alice"], "csrf": csrf},
                        headers={"origin": ORIGIN}, follow_redirects=False)
    assert reply.status_code == 403 and SESSION_COOKIE not in reply.cookies
    wrong = sign_in(client, "alice", PASSWORDS["alice"], csrf="another")
    assert wrong.status_code == 403


def test_a_cross_origin_sign_out_is_refused(client, web):
    sign_in(client, "alice", PASSWORDS["alice"])
    token = client.cookies[SESSION_COOKIE]
    reply = client.post("/logout", data={"csrf": session_csrf(token)}, headers={"origin": "http://evil.example"},
                        follow_redirects=False)
    assert reply.status_code == 403 and web.stores.accounts.session_user(token) is not None


def test_login_page_speaks_the_browser_language(client):
    assert "Sign in" in client.get("/login", headers={"accept-language": "en-US,en;q=0.9"}).text
    assert "登录" in client.get("/login", headers={"accept-language": "zh-CN"}).text
    assert "Password" in client.get("/login?lang=en").text


def test_fifty_wrong_passwords_are_throttled_with_one_message_for_any_name(tmp_path):
    web = make_web_app(tmp_path)
    web.add_users("alice")
    with TestClient(web.app) as client:
        known = sign_in(client, "alice", "wrong-password")
        unknown = sign_in(client, "nobody-here", "wrong-password")
        assert known.status_code == unknown.status_code == 401
        assert message_of(known.text) == message_of(unknown.text) == FAILED  # no user enumeration
        replies = [sign_in(client, "alice", f"wrong-{i}") for i in range(50)]
        assert all(r.status_code in (401, 429) for r in replies) and replies[-1].status_code == 429
        throttled = message_of(replies[-1].text)
        assert "登录失败次数过多" in throttled and "分钟后再试" in throttled
        right = sign_in(client, "alice", PASSWORDS["alice"])  # the right password too, until the window ends
        assert right.status_code == 429 and SESSION_COOKIE not in right.cookies
        # an unknown name gets the same throttling message: nothing tells the names apart
        for i in range(6):
            last = sign_in(client, "nobody-here", f"wrong-{i}")
        assert message_of(last.text) == throttled
        en = sign_in(client, "alice", "x", lang="en")
        assert "Too many failed sign-ins" in message_of(en.text)
        web.clock.advance(minutes=16)
        assert sign_in(client, "alice", PASSWORDS["alice"]).status_code == 303


def test_passwords_and_session_tokens_never_reach_the_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    web = make_web_app(tmp_path)
    web.add_users("alice")
    with TestClient(web.app) as client:
        sign_in(client, "alice", "a-wrong-password-123")
        sign_in(client, "alice", PASSWORDS["alice"])
        token = client.cookies[SESSION_COOKIE]
        client.get("/", headers=HTML)
    for secret in (PASSWORDS["alice"], "a-wrong-password-123", token):
        assert secret not in caplog.text


def test_without_users_the_app_is_open_as_the_local_user(tmp_path):
    web = make_web_app(tmp_path, gradio=True)
    with TestClient(web.app) as client:
        assert client.get("/", headers=HTML, follow_redirects=False).status_code == 200
        assert client.get("/gradio_api/info").status_code == 200
        assert client.get("/login", follow_redirects=False).headers["location"] == "/"
        stored = client.post("/v1/ask", json={"question": "中小企业数字化转型应该先做什么？", "store": True}).json()
        local = web.stores.accounts.local()
        assert web.stores.conversations.get(local.id, stored["conversation_id"]).turns
        assert not web.services.stores.auth_required()  # the local account does not turn sign-in on
        web.add_users("alice")  # the first user does, for the running server too
        assert client.get("/", headers=HTML, follow_redirects=False).status_code == 303
        assert sign_in(client, "local", "anything-at-all").status_code == 401  # local has no password


def test_auth_on_without_users_asks_for_a_sign_in(tmp_path):
    web = make_web_app(tmp_path, auth="on")
    with TestClient(web.app) as client:
        assert client.get("/", headers=HTML, follow_redirects=False).status_code == 303
        assert client.get("/v1/models").status_code == 401


def test_auth_off_keeps_it_open_with_users(tmp_path):
    web = make_web_app(tmp_path, auth="off")
    web.add_users("alice")
    with TestClient(web.app) as client:
        assert client.get("/v1/models").status_code == 200
        assert client.get("/login", follow_redirects=False).headers["location"] == "/"


def test_serving_on_a_public_address_without_sign_in_warns(tmp_path, monkeypatch, capsys):
    import app.web.server as server

    web = make_web_app(tmp_path)
    monkeypatch.setattr(server, "build_web_app", lambda services: web.app)
    monkeypatch.setattr(server.uvicorn, "run", lambda *a, **k: None)
    monkeypatch.setattr(server, "limit_malloc_arenas", lambda: None)
    server.serve(web.services, host="0.0.0.0", port=1)
    assert "without sign-in" in capsys.readouterr().err
    server.serve(web.services, host="127.0.0.1", port=1)
    assert "without sign-in" not in capsys.readouterr().err
    web.add_users("alice")
    server.serve(web.services, host="0.0.0.0", port=1)
    assert "without sign-in" not in capsys.readouterr().err
