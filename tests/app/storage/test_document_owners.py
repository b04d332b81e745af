"""Who owns which private document, on both backends: a user's rows grant them their documents, a
client's only in that client's workspace; nobody reaches another's; the rows go with the client or
the user that holds them."""

import pytest

from app.storage.accounts import Accounts
from app.storage.clients import Clients
from app.storage.document_owners import DocumentOwners
from app.storage.errors import NotFound
from tests.app.storage.conftest import raw_count
from tests.app.storage.test_accounts import QUICK_HASH


@pytest.fixture
def world(db, clock):
    accounts = Accounts(db, hasher=QUICK_HASH)
    alice, bob = accounts.add("alice", "password-a", "consultant"), accounts.add("bob", "password-b", "member")
    clients = Clients(db, clock=clock)
    acme, beta = clients.create(alice.id, "ACME"), clients.create(alice.id, "Beta")
    return accounts, clients, DocumentOwners(db, clock=clock), alice, bob, acme, beta


def test_a_user_reads_their_own_and_a_client_s_only_in_its_workspace(world, clock):
    _, _, owners, alice, bob, acme, beta = world
    owners.claim("mine", alice.id)
    clock.advance(minutes=1)
    owners.claim("acme-report", alice.id, acme.id)
    owners.claim("beta-report", alice.id, beta.id)
    owners.claim("mine", alice.id)  # twice: one row
    assert owners.readable_by(alice.id) == {"mine"}
    assert owners.readable_by(alice.id, acme.id) == {"mine", "acme-report"}
    assert owners.readable_by(alice.id, beta.id) == {"mine", "beta-report"}
    assert owners.readable_by(bob.id) == set() and owners.readable_by(bob.id, acme.id) == set()
    assert [(o.doc_id, o.client_name) for o in owners.of_user(alice.id)] == \
        [("mine", ""), ("acme-report", "ACME"), ("beta-report", "Beta")]
    assert [o.doc_id for o in owners.of_user(alice.id, acme.id)] == ["acme-report"]


def test_another_users_client_cannot_be_claimed_into(world):
    _, _, owners, alice, bob, acme, _ = world
    with pytest.raises(NotFound, match="no client"):
        owners.claim("x", bob.id, acme.id)
    assert owners.readable_by(bob.id, acme.id) == set()


def test_the_same_bytes_held_by_two_users_and_forgetting_one(world, db):
    _, _, owners, alice, bob, _, _ = world
    owners.claim("same", alice.id)
    owners.claim("same", bob.id)
    assert [o.user_name for o in owners.of_documents(["same"])["same"]] == ["alice", "bob"]
    owners.forget(["same"], bob.id)
    assert [o.user_name for o in owners.of_documents()["same"]] == ["alice"]
    owners.forget(["same"])
    assert owners.of_documents() == {} and raw_count(db, "document_owners") == 0


def test_rows_go_with_their_client_and_their_user(world, db):
    accounts, clients, owners, alice, bob, acme, _ = world
    owners.claim("acme-report", alice.id, acme.id)
    owners.claim("mine", alice.id)
    owners.claim("bobs", bob.id)
    clients.delete(alice.id, acme.id)
    assert owners.readable_by(alice.id, acme.id) == {"mine"}
    accounts.remove("alice")
    assert raw_count(db, "document_owners") == 1 and owners.readable_by(bob.id) == {"bobs"}
