"""Accounts and saved work in a real browser (Debian's chromium driven by Playwright) against the
web app served in this process over the fakes of tests/fakes.py (the real Advisor, no model): sign
in, ask, reload, the conversation is still there and a follow-up continues it; a second user sees
none of it; a consultant's two clients, each with its profile, get the same question answered for
each profile; a conversation exported as DOCX opens with python-docx; the server restarts on the
same data dir and everything is still there. Screenshots go to artifacts/ui/."""

from __future__ import annotations

import contextlib
import time

import docx
import pytest

from tests.app.web.conftest import served
from tests.app.web.signin import FOLLOW_UP, PASSWORDS, QUESTION, make_web_app
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, free_port

ARTIFACTS = REPO / "artifacts" / "ui"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/install-browser.sh)")]

BOT = "#chat .message.bot, #chat [data-testid='bot']"
CLIENT_QUESTION = "数字化转型应该从哪里入手？"


class Server:
    """The app on one port; ``restart`` stops it and serves a new app (new services, the same data dir)."""

    def __init__(self, data_dir, **settings):
        self.data_dir = data_dir
        self.settings = settings  # database_url: the same test on a real PostgreSQL
        self.port = free_port()
        self.stack = contextlib.ExitStack()
        self.web = None
        self.url = ""

    def start(self, first: bool = False):
        self.web = make_web_app(self.data_dir, gradio=True, **self.settings)
        if first:
            self.web.add_users("alice", "bob", "carol")
        # the pages keep a heartbeat stream open: a restart does not wait for them
        self.url = self.stack.enter_context(served(self.web.app, port=self.port, graceful_s=2))
        return self

    def restart(self):
        self.stack.close()
        self.web.services.database.close()
        self.stack = contextlib.ExitStack()
        return self.start()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request, tmp_path_factory):
    """The app on SQLite in its data dir, then the same tests with ``database_url`` on a real
    PostgreSQL server (skipped, saying so, where PostgreSQL is not installed)."""
    settings = {}
    if request.param == "postgresql":
        postgres = request.getfixturevalue("postgres_server")
        database = postgres.create_database()
        settings["database_url"] = postgres.url(database)
    server = Server(tmp_path_factory.mktemp("accounts-browser"), **settings).start(first=True)
    yield server
    server.stack.close()
    server.web.services.database.close()
    if request.param == "postgresql":
        postgres.drop_database(database)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def pages(browser, server):
    """One browser context (its own cookies) per user, kept across the tests."""
    made = {}

    def page_of(name: str):
        if name not in made:
            context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
            made[name] = context.new_page()
        return made[name]
    yield page_of
    for name, page in made.items():  # how each user's page ended (a failure's last state)
        page.screenshot(path=str(ARTIFACTS / f"19-last-{name}.png"), full_page=True)


def sign_in(page, url: str, name: str):
    page.goto(url)
    page.wait_for_selector("#login-submit", timeout=30_000)  # sent to the sign-in page
    page.fill("#user", name)
    page.fill("#password", PASSWORDS[name])
    page.click("#login-submit")
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.wait_for_selector(f"#account-name:has-text('{name}')", timeout=30_000)


def ask(page, question: str):
    before = page.locator(BOT).count()
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(f"""() => {{ const m = [...document.querySelectorAll("{BOT}")];
        return m.length > {before} && m[m.length - 1].innerText.includes("摸清现状"); }}""", timeout=60_000)


def wait_shown(page, question: str):
    """The reopened conversation is on screen: its question, and an answer."""
    page.wait_for_function(f"""() => document.querySelector("#chat").innerText.includes("{question}")
        && [...document.querySelectorAll("{BOT}")].some(m => m.innerText.includes("摸清现状"))""", timeout=30_000)


def conversation_labels(page) -> list[str]:
    return [t.strip() for t in page.locator("#conversations label").all_inner_texts()]


def wait_listed(page, title: str):
    page.wait_for_selector(f"#conversations label:has-text('{title}')", timeout=30_000)


def choose(page, selector: str, option: str):
    page.click(f"{selector} input")
    page.get_by_role("option", name=option, exact=True).click()


def open_profile(page):
    if not page.locator("#industry textarea").is_visible():
        page.get_by_text("企业画像（可选）").click()
        page.wait_for_selector("#industry textarea", state="visible")


def test_sign_in_ask_reload_and_continue(server, pages):
    page = pages("alice")
    sign_in(page, server.url, "alice")
    assert not page.locator("#clients").is_visible()  # a member has no client workspaces
    ask(page, QUESTION)
    wait_listed(page, QUESTION)
    page.screenshot(path=str(ARTIFACTS / "10-signed-in-answer.png"), full_page=True)
    page.reload()
    page.wait_for_selector("#question textarea", timeout=60_000)
    wait_listed(page, QUESTION)  # from the database
    assert page.locator(BOT).count() == 0
    page.locator("#conversations label", has_text=QUESTION).click()
    wait_shown(page, QUESTION)
    ask(page, FOLLOW_UP)
    assert QUESTION in server.web.retriever.searches[-1]["query"]  # the follow-up carried the context
    alice = server.web.stores.accounts.get("alice")
    [saved] = server.web.stores.conversations.list(alice.id)
    deadline = time.time() + 30
    while server.web.stores.conversations.get(alice.id, saved.id).info.turns < 2 and time.time() < deadline:
        time.sleep(0.2)
    assert [t.question for t in server.web.stores.conversations.get(alice.id, saved.id).turns] == [QUESTION, FOLLOW_UP]
    assert len(server.web.stores.conversations.list(alice.id)) == 1  # continued, not a new one
    page.screenshot(path=str(ARTIFACTS / "11-reopened-follow-up.png"), full_page=True)


def test_export_a_conversation_as_docx(server, pages, tmp_path):
    page = pages("alice")
    page.locator("#conversations label", has_text=QUESTION).click()
    page.click("#conv-export-docx")
    link = page.locator("#conv-file a").first
    link.wait_for(timeout=30_000)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "conversation.docx"
    download.value.save_as(path)
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert QUESTION in headings[0] and any(FOLLOW_UP in h for h in headings) and "摸清现状" in text


def test_a_second_user_sees_none_of_it(server, pages):
    page = pages("bob")
    sign_in(page, server.url, "bob")
    page.wait_for_timeout(1000)  # the page's load events have run
    assert conversation_labels(page) == []
    assert QUESTION not in page.locator("#workspace").inner_text()
    page.screenshot(path=str(ARTIFACTS / "12-second-user.png"), full_page=True)
    page.click("#logout-submit")
    page.wait_for_selector("#login-submit", timeout=30_000)
    page.goto(server.url)
    page.wait_for_selector("#login-submit", timeout=30_000)  # signed out: the app asks again


def create_client(page, name: str, tier: str, industry: str):
    open_profile(page)
    choose(page, "#tier", tier)
    page.fill("#industry textarea", industry)
    page.fill("#client-name textarea", name)
    page.click("#client-create")
    page.wait_for_selector(f"#ws-status:has-text('{name}')", timeout=30_000)


def test_a_consultants_clients_each_get_their_profile(server, pages):
    page = pages("carol")
    sign_in(page, server.url, "carol")
    page.wait_for_selector("#clients", state="visible", timeout=30_000)
    create_client(page, "华东注塑", "中小企业", "注塑")
    create_client(page, "苏州五金", "小微企业", "五金加工")
    for client, industry, other in (("华东注塑", "注塑", "五金加工"), ("苏州五金", "五金加工", "注塑")):
        choose(page, "#client-choice", client)
        page.wait_for_function(f"() => document.querySelector('#industry textarea').value === '{industry}'",
                               timeout=30_000)
        page.wait_for_function(f"() => document.querySelectorAll(\"{BOT}\").length === 0", timeout=30_000)
        page.wait_for_timeout(500)  # the new chat that follows the switch has run
        ask(page, CLIENT_QUESTION)
        answer = page.locator(BOT).last.inner_text()
        assert f"行业：{industry}" in answer and f"行业：{other}" not in answer, answer
        wait_listed(page, CLIENT_QUESTION)
        assert len(conversation_labels(page)) == 1  # the list shows this client's conversations
        page.screenshot(path=str(ARTIFACTS / f"13-client-{industry}.png"), full_page=True)
    carol = server.web.stores.accounts.get("carol")
    clients = {c.name: c for c in server.web.stores.clients.list(carol.id)}
    assert clients["华东注塑"].profile["tier"] == "sme" and clients["苏州五金"].profile["tier"] == "micro"
    for client in clients.values():
        [conversation] = server.web.stores.conversations.list(carol.id, client_id=client.id)
        turn = server.web.stores.conversations.get(carol.id, conversation.id).turns[0]
        assert turn.answer["profile"]["industry"] == client.profile["industry"]


def test_after_a_restart_everything_is_still_there(server, pages):
    server.restart()
    carol = pages("carol")
    carol.reload()  # the session lives in the database: still signed in
    carol.wait_for_selector("#account-name:has-text('carol')", timeout=60_000)
    carol.click("#client-choice input")
    options = carol.get_by_role("option").all_inner_texts()
    assert "华东注塑" in options and "苏州五金" in options
    assert len(conversation_labels(carol)) == 2  # no client chosen: all of carol's conversations
    carol.get_by_role("option", name="苏州五金", exact=True).click()
    carol.wait_for_function("() => document.querySelectorAll('#conversations label').length === 1", timeout=30_000)
    assert CLIENT_QUESTION in conversation_labels(carol)[0]  # the client's one

    alice = pages("alice")
    alice.reload()
    alice.wait_for_selector("#account-name:has-text('alice')", timeout=60_000)
    wait_listed(alice, QUESTION)
    alice.locator("#conversations label", has_text=QUESTION).click()
    wait_shown(alice, FOLLOW_UP)
    ask(alice, "评测指标的最高等级是几级？")
    assert QUESTION in server.web.retriever.searches[-1]["query"] or \
        FOLLOW_UP in server.web.retriever.searches[-1]["query"]
    account = server.web.stores.accounts.get("alice")
    [saved] = server.web.stores.conversations.list(account.id)
    deadline = time.time() + 30
    while server.web.stores.conversations.get(account.id, saved.id).info.turns < 3 and time.time() < deadline:
        time.sleep(0.2)
    assert server.web.stores.conversations.get(account.id, saved.id).info.turns == 3
    alice.screenshot(path=str(ARTIFACTS / "14-after-restart.png"), full_page=True)
