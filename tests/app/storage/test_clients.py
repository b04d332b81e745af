import pytest

from app.storage.accounts import Accounts
from app.storage.clients import Clients
from app.storage.errors import Duplicate, NotFound, StorageError
from tests.app.storage.conftest import raw_count
from tests.app.storage.test_accounts import QUICK_HASH

PROFILE = {"tier": "sme", "industry": "汽车零部件", "headcount": 180, "digital_level": 2,
           "pain_points": "质检靠人工"}
PLAN = {"goal": "Cut defects", "sections": [{"title": "Plan", "text": "…[1]"}], "sources": [{"n": 1}]}


@pytest.fixture
def users(db):
    accounts = Accounts(db, hasher=QUICK_HASH)
    return accounts.add("alice", "password-a", "consultant"), accounts.add("bob", "password-b", "consultant")


@pytest.fixture
def clients(db, clock):
    return Clients(db, clock=clock)


def test_a_client_keeps_its_profile_and_self_check(clients, users, clock):
    alice, bob = users
    acme = clients.create(alice.id, "  ACME   Parts ", PROFILE)
    assert acme.name == "ACME Parts" and acme.profile == PROFILE and acme.selfcheck_results == {}
    clients.create(bob.id, "ACME Parts")  # another consultant's client of the same name
    with pytest.raises(Duplicate, match="already have a client named 'ACME Parts'"):
        clients.create(alice.id, "ACME Parts")
    with pytest.raises(StorageError, match="the client name is empty"):
        clients.create(alice.id, " ")
    with pytest.raises(StorageError, match="profile must be a JSON object"):
        clients.create(alice.id, "Other", profile="sme")
    clock.advance(minutes=1)
    answers, results = {"lang": "zh", "answers": {"q1": 3}}, {"level": 2, "score": 55.0, "priorities": []}
    saved = clients.save_selfcheck(alice.id, acme.id, answers, results)
    assert (saved.selfcheck_answers, saved.selfcheck_results) == (answers, results)
    renamed = clients.update(alice.id, acme.id, name="ACME Holding", profile=dict(PROFILE, headcount=200))
    assert renamed.name == "ACME Holding" and renamed.profile["headcount"] == 200
    assert renamed.selfcheck_results == results and renamed.updated_at == clock.now
    clients.create(alice.id, "Beta")
    with pytest.raises(Duplicate):
        clients.update(alice.id, acme.id, name="Beta")
    assert [c.name for c in clients.list(alice.id)] == ["Beta", "ACME Holding"]  # the last changed first
    assert [c.name for c in clients.list(bob.id)] == ["ACME Parts"]


def test_every_plan_save_adds_a_version(clients, users, clock):
    alice, _ = users
    acme = clients.create(alice.id, "ACME", PROFILE)
    assert clients.latest_plan(alice.id, acme.id) is None
    for n in range(1, 4):
        clock.advance(minutes=1)
        saved = clients.save_plan(alice.id, acme.id, dict(PLAN, goal=f"goal {n}"), note=f"edit {n}")
        assert saved.version == n
    assert clients.latest_plan(alice.id, acme.id).plan["goal"] == "goal 3"
    assert clients.plan(alice.id, acme.id, 1).plan["goal"] == "goal 1"
    assert [(v.version, v.note) for v in clients.plan_versions(alice.id, acme.id)] == \
        [(1, "edit 1"), (2, "edit 2"), (3, "edit 3")]
    assert clients.get(alice.id, acme.id).plan_versions == 3
    for missing in (4, 0, "1"):
        with pytest.raises(NotFound, match="no plan version"):
            clients.plan(alice.id, acme.id, missing)
    exported = clients.export(alice.id, acme.id)
    assert exported["profile"] == PROFILE and [p["version"] for p in exported["plans"]] == [1, 2, 3]


def test_another_users_client_and_plans_are_not_found_for_every_action(clients, users, db):
    alice, bob = users
    acme = clients.create(alice.id, "ACME", PROFILE)
    clients.save_plan(alice.id, acme.id, PLAN)
    actions = [lambda cid: clients.get(bob.id, cid),
               lambda cid: clients.update(bob.id, cid, name="Mine"),
               lambda cid: clients.save_selfcheck(bob.id, cid, {}, {}),
               lambda cid: clients.save_plan(bob.id, cid, PLAN),
               lambda cid: clients.latest_plan(bob.id, cid),
               lambda cid: clients.plan(bob.id, cid, 1),
               lambda cid: clients.plan_versions(bob.id, cid),
               lambda cid: clients.export(bob.id, cid),
               lambda cid: clients.delete(bob.id, cid)]
    for action in actions:
        with pytest.raises(NotFound, match=f"^no client {acme.id}$"):
            action(acme.id)
        with pytest.raises(NotFound, match=f"^no client {acme.id + 99}$"):
            action(acme.id + 99)
    assert clients.list(bob.id) == []
    kept = clients.get(alice.id, acme.id)
    assert kept.name == "ACME" and kept.plan_versions == 1 and kept.selfcheck_answers == {}


def test_deleting_a_client_deletes_its_plans(clients, users, db):
    alice, _ = users
    acme = clients.create(alice.id, "ACME")
    clients.save_plan(alice.id, acme.id, PLAN)
    clients.save_plan(alice.id, acme.id, PLAN)
    clients.delete(alice.id, acme.id)
    assert raw_count(db, "plan_drafts") == 0 and raw_count(db, "clients") == 0
    with pytest.raises(NotFound):
        clients.get(alice.id, acme.id)


def test_removing_a_user_removes_their_saved_work(db, users):
    from app.storage.conversations import Conversations

    alice, bob = users
    clients, conversations = Clients(db), Conversations(db)
    acme = clients.create(alice.id, "ACME")
    clients.save_plan(alice.id, acme.id, PLAN)
    conversations.add_turn(alice.id, conversations.create(alice.id, client_id=acme.id).id, "q", {"answer": "a"})
    conversations.add_turn(bob.id, conversations.create(bob.id).id, "q", {"answer": "a"})
    Accounts(db, hasher=QUICK_HASH).remove("alice")
    assert [raw_count(db, t) for t in ("clients", "plan_drafts", "conversations", "turns")] == [0, 0, 1, 1]


def test_saves_at_the_same_time_get_distinct_versions(clients, users):
    from concurrent.futures import ThreadPoolExecutor

    alice, _ = users
    acme = clients.create(alice.id, "ACME")
    with ThreadPoolExecutor(6) as pool:
        versions = list(pool.map(lambda n: clients.save_plan(alice.id, acme.id, dict(PLAN, n=n)).version, range(30)))
    assert sorted(versions) == list(range(1, 31))
