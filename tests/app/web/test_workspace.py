"""The chat page's saved work, its handlers called as Gradio calls them (no server, no browser) over
the fakes: each chat turn stored under the user of the event (gr.Request.username), reopened with
its follow-up context; clients with their profile, self-check and plan versions; API keys; the
admin's feedback review. User B reaches none of user A's rows with a guessed id, whatever handler."""

from dataclasses import dataclass, field

import gradio as gr
import pytest

from app.storage.errors import NotFound
from app.web.ui.admin import KnowledgeBaseAdmin
from app.web.ui.workspace import NO_CLIENT, Workspace, new_conversation_state
from tests.app.web.signin import FOLLOW_UP, PASSWORDS, QUESTION, make_web_app

SME = ("sme", "注塑", 80, 2, "设备停机多")
MICRO = ("micro", "五金加工", 12, 1, "订单靠纸单")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The Blocks with their handlers, over one app's database (alice, bob: members; carol: consultant;
    root: admin)."""
    from app.web.ui.chat import build_app

    web = make_web_app(tmp_path_factory.mktemp("workspace"))
    web.add_users("alice", "bob", "carol", "root")
    auth = web.app.state.web.auth
    demo = build_app(web.services, None, auth)
    fns = {f.fn.__name__: f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "")}
    fns["demo"] = demo
    return web, Workspace(web.stores, auth, web.app.state.web.documents), fns


def as_user(name: str) -> gr.Request:
    return gr.Request(username=name)


def chat(page, question, messages=(), history=(), answers=None, profile=("", "", None, 0, ""), user="alice",
         client_id=None, documents=None):
    """The chat handler's last update, asked by ``user``: (messages, history, answers)."""
    _, _, fns = page
    *_, last = fns["chat"](question, list(messages), list(history), dict(answers or {}), *profile, None, documents,
                           client_id, as_user(user))
    messages, _, history, answers, _ = last
    return messages, history, answers


def stored_chat(page, user: str, question=QUESTION, client_id=None, profile=("", "", None, 0, "")):
    """One question answered and stored as the page does it: -> (conversation state, answers)."""
    _, ws, _ = page
    messages, history, answers = chat(page, question, profile=profile, user=user, client_id=client_id)
    state, _ = ws.save_turns(answers, new_conversation_state(), client_id, "", "zh", as_user(user))
    return state, answers


def choices(update) -> list:
    return [value for _, value in update["choices"]]


def test_a_turn_is_stored_reopened_and_continued_with_its_context(page):
    web, ws, fns = page
    state, _ = stored_chat(page, "alice")
    alice = web.stores.accounts.get("alice")
    assert web.stores.conversations.get(alice.id, state["id"]).info.title == QUESTION
    # a reload: the page rebuilds everything from the database
    *_, listing = ws.page_load("zh", as_user("alice"))
    assert state["id"] in choices(listing)
    messages, history, answers, reopened, _, title, picked = ws.open(state["id"], "zh", as_user("alice"))
    assert picked == []  # no documents were picked: every document
    assert title == QUESTION and messages[0]["content"] == QUESTION and len(history) == 2
    messages, history, answers = chat(page, FOLLOW_UP, messages, history, answers)
    assert QUESTION in web.retriever.searches[-1]["query"]  # the follow-up carries the reopened context
    state2, listing = ws.save_turns(answers, reopened, None, "", "zh", as_user("alice"))
    assert state2["id"] == state["id"] and listing["value"] == state["id"]
    saved = web.stores.conversations.get(alice.id, state["id"])
    assert [t.question for t in saved.turns] == [QUESTION, FOLLOW_UP]
    # saving again stores nothing twice
    ws.save_turns(answers, state2, None, "", "zh", as_user("alice"))
    assert len(web.stores.conversations.get(alice.id, state["id"]).turns) == 2


def test_search_rename_export_and_delete(page, tmp_path):
    import docx

    web, ws, _ = page
    state, _ = stored_chat(page, "alice", "设备管理要达到三级需要做什么？")
    cid = state["id"]
    assert choices(ws.search("三级", None, "zh", as_user("alice"))) == [cid]
    listing, status = ws.rename(cid, "设备管理三级", None, "", "zh", as_user("alice"))
    assert status == "已重命名。" and any(label.startswith("设备管理三级") for label, _ in listing["choices"])
    path, _ = ws.export(cid, "docx", "zh", as_user("alice"))
    text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    assert "设备管理三级" in text and "设备管理要达到三级需要做什么？" in text
    markdown, _ = ws.export(cid, "md", "zh", as_user("alice"))
    assert open(markdown, encoding="utf-8").read().startswith("# 设备管理三级")
    listing, chat_messages, *_, status = ws.delete(cid, state, None, "", "zh", as_user("alice"))
    assert status == "对话已删除。" and chat_messages == [] and cid not in choices(listing)
    assert cid not in [c.id for c in web.stores.conversations.list(web.stores.accounts.get("alice").id)]


def test_user_b_reaches_none_of_user_a_conversations_by_the_ui(page):
    web, ws, _ = page
    state, _ = stored_chat(page, "alice")
    cid, bob = state["id"], as_user("bob")
    with pytest.raises(gr.Error):
        ws.open(cid, "zh", bob)
    assert ws.rename(cid, "bob's now", None, "", "zh", bob)[1] == "没有这个对话（可能已被删除）。"
    assert ws.delete(cid, {"id": cid, "saved": 1}, None, "", "zh", bob)[-1] == "没有这个对话（可能已被删除）。"
    assert ws.export(cid, "docx", "zh", bob) == (None, "没有这个对话（可能已被删除）。")
    assert cid not in choices(ws.search("", None, "zh", bob)) and cid not in choices(ws.page_load("zh", bob)[-1])
    # "continue" it: bob's answer goes to a conversation of his own
    _, answers = stored_chat(page, "bob")
    bob_state, _ = ws.save_turns(answers, {"id": cid, "saved": -1}, None, "", "zh", bob)
    assert bob_state["id"] != cid
    alice = web.stores.accounts.get("alice")
    saved = web.stores.conversations.get(alice.id, cid)
    assert saved.info.title == QUESTION and len(saved.turns) == 1  # untouched


def test_a_handler_without_a_signed_in_user_is_refused(page):
    _, ws, _ = page
    for request in (None, gr.Request(), as_user("someone-removed")):
        with pytest.raises(gr.Error):
            ws.search("", None, "zh", request)


@dataclass
class FakeAnswers:
    lang: str = "zh"
    tier: str = "sme"
    levels: dict = field(default_factory=lambda: {"设备管理": 2})


class FakeSelfCheck:
    answers = FakeAnswers()

    def to_json(self):
        return {"indicative_band": 2}

    def to_markdown(self):
        return "# 自评"


def test_clients_profiles_conversations_selfcheck_and_plan_versions(page):
    web, ws, _ = page
    carol = as_user("carol")
    update, first, _, status, _ = ws.create_client("华东注塑", *SME, "zh", carol)
    assert status == "已新建客户：华东注塑" and update["value"] == first
    _, second, *_ = ws.create_client("苏州五金", *MICRO, "zh", carol)
    selected = ws.select_client(first, "zh", carol)
    assert selected[0] == first and list(selected[1:6]) == list(SME)
    assert ws.select_client(second, "zh", carol)[1:6] == tuple(MICRO)
    # a conversation under the client, with its profile in the answer
    state, answers = stored_chat(page, "carol", client_id=second, profile=MICRO)
    assert answers[max(answers, key=int)]["profile"]["tier"] == "micro"
    assert choices(ws.select_client(second, "zh", carol)[6]) == [state["id"]]
    assert choices(ws.select_client(first, "zh", carol)[6]) == []
    assert ws.save_selfcheck(second, FakeSelfCheck(), "zh", carol) == "自评结果已保存到客户：苏州五金"
    consultant = web.stores.accounts.get("carol")
    assert web.stores.clients.get(consultant.id, second).selfcheck_results["markdown"] == "# 自评"
    assert ws.select_client(second, "zh", carol)[-1] == "*苏州五金*\n\n# 自评"  # shown again on the self-check tab
    assert ws.select_client(first, "zh", carol)[-1] == ""
    versions, status = ws.save_plan(second, "# 方案 v1", "减少停机", [], "初稿", "zh", carol)
    assert status == "已保存为第 1 版。"
    versions, status = ws.save_plan(second, "# 方案 v2（改过）", "减少停机", [], "", "zh", carol)
    assert choices(versions) == [2, 1] and versions["value"] == 2
    assert ws.open_plan(second, 1, "zh", carol)[:2] == ("# 方案 v1", "减少停机")
    assert ws.save_profile(second, "micro", "五金", 15, 2, "", "zh", carol) == "画像已保存到客户：苏州五金"
    assert web.stores.clients.get(consultant.id, second).profile["headcount"] == 15


def test_a_client_is_renamed_and_deleted_by_its_consultant_only(page):
    web, ws, _ = page
    carol, root = as_user("carol"), as_user("root")
    _, client_id, *_ = ws.create_client("宁波冲压", *SME, "zh", carol)
    state, _ = stored_chat(page, "carol", client_id=client_id)
    ws.save_plan(client_id, "# 宁波方案", "", [], "", "zh", carol)
    assert ws.rename_client(client_id, "宁波精密冲压", "zh", root)[1] == "没有这个客户。"
    assert ws.delete_client(client_id, "zh", root)[-1] == "没有这个客户。"
    update, status, _ = ws.rename_client(client_id, "宁波精密冲压", "zh", carol)
    assert status == "客户已改名为：宁波精密冲压" and update["value"] == client_id
    assert not ws.rename_client(client_id, "", "zh", carol)[1].startswith("客户已改名")  # an empty name: refused, said why
    update, current, listing, _, status = ws.delete_client(client_id, "zh", carol)
    assert current is None and client_id not in choices(update) and status.startswith("已删除客户：宁波精密冲压")
    consultant = web.stores.accounts.get("carol")
    assert state["id"] in choices(listing)  # its conversation stays, under no client
    with pytest.raises(NotFound):
        web.stores.clients.get(consultant.id, client_id)


def test_no_one_else_reaches_a_consultants_client_or_plan(page):
    web, ws, _ = page
    carol, root = as_user("carol"), as_user("root")
    _, client_id, *_ = ws.create_client("杭州纺织", *SME, "zh", carol)
    ws.save_plan(client_id, "# 杭州方案", "", [], "", "zh", carol)
    with pytest.raises(gr.Error):
        ws.select_client(client_id, "zh", root)
    assert ws.save_profile(client_id, *MICRO, "zh", root) == "没有这个客户。"
    assert ws.save_plan(client_id, "# 覆盖", "", [], "", "zh", root)[1] == "没有这个客户。"
    assert ws.open_plan(client_id, 1, "zh", root)[-1] == "没有这个版本。"
    assert ws.save_selfcheck(client_id, FakeSelfCheck(), "zh", root) == "没有这个客户。"
    assert client_id not in choices(ws.client_choices(web.stores.accounts.get("root"), "zh"))
    # a conversation cannot be filed under another user's client
    _, answers = stored_chat(page, "root")
    with pytest.raises(Exception):
        ws.save_turns(answers, new_conversation_state(), client_id, "", "zh", root)
    consultant = web.stores.accounts.get("carol")
    assert [v.plan["markdown"] for v in web.stores.clients.plan_versions(consultant.id, client_id)] == ["# 杭州方案"]
    # a member has no client workspaces at all
    with pytest.raises(gr.Error):
        ws.create_client("我的客户", *SME, "zh", as_user("alice"))
    assert choices(ws.client_choices(web.stores.accounts.get("alice"), "zh")) == [NO_CLIENT]


def test_page_load_shows_each_role_its_parts(page):
    from app.web.auth import SESSION_COOKIE, session_csrf

    _, ws, _ = page
    request = gr.Request(username="root", cookies={SESSION_COOKIE: "the-session-token"})
    header, admin, admin_panel, kb_login, client_box, *_ = ws.page_load("zh", request)
    assert "已登录：root（管理员）" in header and admin is True and admin_panel["visible"] is True
    assert 'action="/logout"' in header and session_csrf("the-session-token") in header
    assert kb_login["visible"] is False and client_box["visible"] is True
    header, admin, _, _, client_box, *_ = ws.page_load("en", as_user("alice"))
    assert "Signed in as alice (member)" in header and admin is False and client_box["visible"] is False
    assert 'href="/logout"' in header  # no session cookie in the event: a link to the sign-out page


def test_feedback_stores_the_user_and_only_an_admin_reviews_it(page):
    web, ws, fns = page
    _, answers = stored_chat(page, "alice")
    index = max(answers, key=int)
    data = gr.LikeData(None, {"index": int(index), "value": "…", "liked": False})
    assert fns["on_like"](data, answers, "zh", as_user("alice")) == "已记录反馈，谢谢！"
    fns["on_comment"]("数字不对", answers, "zh", as_user("alice"))
    rows = web.stores.feedback.rows(rating=-1)
    assert rows[-1]["user"] == "alice"
    kb = KnowledgeBaseAdmin(web.services, web.stores.feedback, auth=web.app.state.web.auth)
    with pytest.raises(gr.Error):
        kb.feedback_table("", "", "", True, "zh", as_user("alice"))  # a stale is_admin does not help a member
    with pytest.raises(gr.Error):
        kb.feedback_file("csv", "", "", "", False, "zh", as_user("bob"))
    for change in (lambda: kb.delete("any-doc", True, "zh", as_user("alice")),
                   lambda: kb.ingest([], True, "zh", lambda *a, **k: None, as_user("alice")),
                   lambda: kb.rebuild(True, "zh", lambda *a, **k: None, as_user("alice"))):
        with pytest.raises(gr.Error):  # refused before anything is touched
            change()
    table, documents = kb.feedback_table("", "", "", False, "zh", as_user("root"))
    assert table["value"][0][1] == "alice" and table["value"][0][2] == QUESTION
    assert "实施指南" in documents["choices"]
    only = kb.feedback_table("", "", "实施指南", False, "zh", as_user("root"))[0]["value"]
    assert only and all("实施指南" in row[4] for row in only)
    assert kb.feedback_table("2999-01-01", "", "", False, "zh", as_user("root"))[0]["value"] == []
    path = kb.feedback_file("eval", "", "", "", False, "zh", as_user("root"))
    assert QUESTION in open(path, encoding="utf-8").read()
    with pytest.raises(gr.Error):
        kb.feedback_table("last week", "", "", False, "zh", as_user("root"))
    # the shared admin password is not a way in while accounts decide
    assert kb.login("admin", PASSWORDS["root"], "zh")[0] is False


def test_api_keys_made_and_revoked_in_the_page(page):
    web, ws, _ = page
    shown, table = ws.create_key("my script", "zh", as_user("bob"))
    key = shown["value"]
    assert key.startswith("ta_") and key not in table and "my script" in table
    assert web.stores.api_keys.user_for_key(key).name == "bob"
    assert ws.revoke_key(key[:11], "zh", as_user("alice"))[1].startswith("no API key")  # not alice's
    table, status = ws.revoke_key(key[:11], "zh", as_user("bob"))
    assert "revoked" in table and web.stores.api_keys.user_for_key(key) is None


def test_every_event_reads_components_not_layouts(page):
    """A layout block (a Row, a Group) as an input fails only when the event runs in a browser."""
    from gradio.blocks import BlockContext

    _, _, fns = page
    for fn in fns["demo"].fns.values():
        assert not [b for b in fn.inputs if isinstance(b, BlockContext)], fn.name
