import pytest

from app.storage.accounts import Accounts
from app.storage.api_keys import ApiKeys
from app.storage.errors import NotFound, StorageError
from tests.app.storage.test_accounts import QUICK_HASH


@pytest.fixture
def users(db):
    accounts = Accounts(db, hasher=QUICK_HASH)
    return accounts.add("alice", "password-a", "consultant"), accounts.add("bob", "password-b", "member")


def test_a_key_is_shown_once_and_finds_its_user(db, users, clock):
    alice, _ = users
    keys = ApiKeys(db, clock=clock)
    new = keys.create(alice.id, "ci job")
    assert new.key.startswith("ta_") and len(new.key) > 40 and new.key.startswith(new.info.prefix)
    assert len(new.info.prefix) == 11 and new.info.label == "ci job" and new.info.active
    assert keys.user_for_key(new.key) == alice
    listed = keys.list(alice.id)
    assert [k.prefix for k in listed] == [new.info.prefix] and listed[0].last_used_at == clock.now
    assert not hasattr(listed[0], "key")  # a listing never holds the key
    assert keys.user_for_key(new.key[:-1] + ("A" if new.key[-1] != "A" else "B")) is None
    assert keys.user_for_key("") is None and keys.user_for_key("Bearer x") is None


def test_a_revoked_key_stops_working_at_once(db, users):
    alice, _ = users
    keys, other_process = ApiKeys(db), ApiKeys(db)
    first, second = keys.create(alice.id), keys.create(alice.id)
    assert other_process.user_for_key(first.key) == alice
    revoked = keys.revoke(alice.id, first.info.prefix)
    assert revoked.id == first.info.id and not revoked.active
    assert other_process.user_for_key(first.key) is None
    assert other_process.user_for_key(second.key) == alice
    keys.revoke(alice.id, str(second.info.id))  # by id
    assert keys.user_for_key(second.key) is None
    assert [k.active for k in keys.list(alice.id)] == [False, False]


def test_revoking_needs_the_users_own_key_and_a_clear_name(db, users):
    alice, bob = users
    keys = ApiKeys(db)
    new = keys.create(alice.id)
    for wanted in (new.info.prefix, str(new.info.id)):
        with pytest.raises(NotFound, match="no API key"):
            keys.revoke(bob.id, wanted)
    assert keys.user_for_key(new.key) == alice
    with pytest.raises(StorageError, match="too short to name a key"):
        keys.revoke(alice.id, "ta_")
    with pytest.raises(StorageError, match="too short to name a key"):
        keys.revoke(alice.id, "abc")
    with pytest.raises(NotFound):
        keys.revoke(alice.id, "ta_%%")  # LIKE wildcards are plain characters here
    with pytest.raises(NotFound, match="no user"):
        keys.create(9999)


def test_keys_are_never_stored_in_clear_and_go_with_their_user(db, users, backend):
    alice, _ = users
    new = ApiKeys(db).create(alice.id)
    Accounts(db, hasher=QUICK_HASH).remove("alice")
    assert ApiKeys(db).user_for_key(new.key) is None
    db.close()
    secret = new.key[len(new.info.prefix):].encode()
    for path in backend.files():
        assert secret not in path.read_bytes(), f"the key in clear in {path.name}"
