import pytest

from app.storage.accounts import Accounts
from app.storage.clients import Clients
from app.storage.conversations import Conversations, title_from
from app.storage.errors import NotFound, StorageError
from tests.app.storage.conftest import raw_count
from tests.app.storage.test_accounts import QUICK_HASH

ANSWER = {"question": "什么是“小快轻准”？", "answer": "指小型化、快速化、轻量化、精准化[1]。",
          "evidence": [{"n": 1, "text": "小型化、快速化、轻量化、精准化"}],
          "citations": [{"n": 1, "title": "中小企业数字化转型指南", "page": 3, "snippet": "……"}],
          "verification": [{"sentence": "指小型化…", "kept": True, "reasons": []}],
          "timings": {"total_s": 12.5}, "refused": False, "odd": "\x00 NUL and emoji 🙂"}


@pytest.fixture
def users(db):
    accounts = Accounts(db, hasher=QUICK_HASH)
    return accounts.add("alice", "password-a", "consultant"), accounts.add("bob", "password-b", "consultant")


@pytest.fixture
def conversations(db, clock):
    return Conversations(db, clock=clock)


def test_turns_keep_the_full_answer_and_the_title_comes_from_the_first_question(conversations, users, clock):
    alice, _ = users
    info = conversations.create(alice.id)
    assert info.title == "" and info.turns == 0
    conversations.add_turn(alice.id, info.id, "  什么是\n“小快轻准”？  ", ANSWER)
    clock.advance(minutes=1)
    conversations.add_turn(alice.id, info.id, "那怎么评估？", {"answer": "……", "citations": []})
    saved = conversations.get(alice.id, info.id)
    assert saved.info.title == "什么是 “小快轻准”？" and saved.info.turns == 2
    assert [t.position for t in saved.turns] == [1, 2]
    assert saved.turns[0].answer == ANSWER  # nested lists and dicts, Chinese, NUL and emoji intact
    assert saved.info.updated_at == clock.now > saved.info.created_at
    exported = conversations.export(alice.id, info.id)
    assert exported["title"] == saved.info.title and exported["turns"][0]["answer"] == ANSWER
    assert title_from("长" * 200) == "长" * 79 + "…"
    with pytest.raises(StorageError, match="the question is empty"):
        conversations.add_turn(alice.id, info.id, "  ", ANSWER)
    with pytest.raises(StorageError, match="must be a JSON object"):
        conversations.add_turn(alice.id, info.id, "q", ["not", "a", "dict"])
    with pytest.raises(StorageError, match="cannot be stored as JSON"):
        conversations.add_turn(alice.id, info.id, "q", {"when": object()})
    assert conversations.get(alice.id, info.id).info.turns == 2


def test_the_list_is_newest_first_and_searches_titles_and_questions(conversations, users, clock):
    alice, bob = users
    ids = {}
    for title, question in (("Smart factory levels", "What are the levels of GB/T 39116?"),
                            ("", "中小企业数字化评测指标有哪些？"),
                            ("Funding 100% questions", "How is the city pilot funded?")):
        clock.advance(minutes=5)
        ids[question] = conversations.create(alice.id, title=title).id
        conversations.add_turn(alice.id, ids[question], question, {"answer": "…"})
    conversations.add_turn(bob.id, conversations.create(bob.id).id, "GB/T 39116 levels?", {"answer": "…"})
    listed = conversations.list(alice.id)
    assert [c.title for c in listed] == ["Funding 100% questions", "中小企业数字化评测指标有哪些？",
                                         "Smart factory levels"]
    assert [c.turns for c in listed] == [1, 1, 1]
    assert [c.title for c in conversations.list(alice.id, "gb/t LEVELS")] == ["Smart factory levels"]
    assert [c.title for c in conversations.list(alice.id, "评测")] == ["中小企业数字化评测指标有哪些？"]
    assert [c.title for c in conversations.list(alice.id, "100%")] == ["Funding 100% questions"]
    assert conversations.list(alice.id, "levels pilot") == []  # every word must match
    assert conversations.list(alice.id, "_") == []  # a LIKE wildcard is a plain character
    clock.advance(minutes=5)
    conversations.add_turn(alice.id, ids["What are the levels of GB/T 39116?"], "And level 3?", {"answer": "…"})
    assert conversations.list(alice.id)[0].title == "Smart factory levels"  # the last active first


def test_rename_and_delete_which_removes_every_turn(conversations, users, db):
    alice, _ = users
    info = conversations.create(alice.id)
    for n in range(3):
        conversations.add_turn(alice.id, info.id, f"question {n}", ANSWER)
    assert conversations.rename(alice.id, info.id, "  My   notes ").title == "My notes"
    with pytest.raises(StorageError, match="the title is empty"):
        conversations.rename(alice.id, info.id, " ")
    assert raw_count(db, "turns") == 3
    conversations.delete(alice.id, info.id)
    assert raw_count(db, "turns") == 0 and raw_count(db, "conversations") == 0
    with pytest.raises(NotFound):
        conversations.get(alice.id, info.id)


def test_another_users_conversation_is_not_found_for_every_action(conversations, users, db):
    alice, bob = users
    info = conversations.create(alice.id)
    conversations.add_turn(alice.id, info.id, "alice's question", ANSWER)
    missing = info.id + 1000
    for action in (lambda cid: conversations.get(bob.id, cid),
                   lambda cid: conversations.export(bob.id, cid),
                   lambda cid: conversations.rename(bob.id, cid, "mine now"),
                   lambda cid: conversations.add_turn(bob.id, cid, "bob's question", ANSWER),
                   lambda cid: conversations.delete(bob.id, cid)):
        with pytest.raises(NotFound) as theirs:
            action(info.id)
        with pytest.raises(NotFound) as nothing:
            action(missing)
        assert str(theirs.value) == str(nothing.value).replace(str(missing), str(info.id))  # nothing told apart
    for bad_id in ("1", None, True):
        with pytest.raises(NotFound):
            conversations.get(alice.id, bad_id)
    assert conversations.list(bob.id) == [] and conversations.list(bob.id, "alice") == []
    saved = conversations.get(alice.id, info.id)
    assert saved.info.title == "alice's question" and len(saved.turns) == 1
    assert raw_count(db, "turns") == 1


def test_a_conversation_may_belong_to_one_of_the_users_own_clients(conversations, users, db):
    alice, bob = users
    clients = Clients(db)
    acme = clients.create(alice.id, "ACME")
    info = conversations.create(alice.id, client_id=acme.id)
    assert info.client_id == acme.id
    assert [c.id for c in conversations.list(alice.id, client_id=acme.id)] == [info.id]
    with pytest.raises(NotFound, match="no client"):
        conversations.create(bob.id, client_id=acme.id)
    clients.delete(alice.id, acme.id)
    assert conversations.get(alice.id, info.id).info.client_id is None  # kept, without the client


def test_a_conversation_keeps_the_documents_its_questions_are_limited_to(conversations, users):
    alice, bob = users
    info = conversations.create(alice.id)
    conversations.add_turn(alice.id, info.id, "这份报告说市场规模多大？", ANSWER, documents=["d2", "d1", "d2"])
    assert conversations.get(alice.id, info.id).info.documents == ("d2", "d1")
    conversations.add_turn(alice.id, info.id, "那痛点呢？", ANSWER)  # no scope given: it stays
    assert conversations.list(alice.id)[0].documents == ("d2", "d1")
    assert conversations.export(alice.id, info.id)["documents"] == ["d2", "d1"]
    conversations.add_turn(alice.id, info.id, "全国呢？", ANSWER, documents=[])  # every document again
    assert conversations.get(alice.id, info.id).info.documents == ()
    with pytest.raises(StorageError, match="list of doc ids"):
        conversations.add_turn(alice.id, info.id, "再问", ANSWER, documents="d1")
    with pytest.raises(NotFound):
        conversations.add_turn(bob.id, info.id, "别人的", ANSWER, documents=["d1"])
