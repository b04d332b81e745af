from datetime import timedelta

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.storage.accounts import Accounts, LoginFailed, LoginThrottle, LoginThrottled, auth_required
from app.storage.errors import Duplicate, NotFound, StorageError
from tests.app.storage.conftest import raw_count

PASSWORD = "correct horse 1"


# Argon2id at a small cost: the same code path, ~1 ms a hash instead of ~0.1 s (the default's cost
# is checked by test_a_weak_hash_is_upgraded_at_the_next_login)
QUICK_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


@pytest.fixture
def accounts(db, clock):
    return Accounts(db, session_hours=12, throttle=LoginThrottle(per_user=5, per_address=20,
                                                                 window=timedelta(minutes=15)),
                    hasher=QUICK_HASH, clock=clock)


def test_users_are_added_listed_found_and_removed(accounts):
    alice = accounts.add("alice", PASSWORD, "admin")
    accounts.add(" 王工 ", PASSWORD, "consultant")  # Chinese names; surrounding spaces dropped
    assert alice.is_admin and accounts.get("alice") == alice == accounts.by_id(alice.id)
    assert [(a.name, a.role) for a in accounts.list()] == [("alice", "admin"), ("王工", "consultant")]
    assert accounts.count() == 2 and accounts.exists("王工") and not accounts.exists("bob")
    accounts.remove("王工")
    assert accounts.count() == 1
    with pytest.raises(NotFound, match="no user named '王工'"):
        accounts.get("王工")
    with pytest.raises(NotFound):
        accounts.remove("nobody-here")


@pytest.mark.parametrize("name, password, role, error, message", [
    ("alice", PASSWORD, "admin", Duplicate, "user 'alice' already exists"),
    ("bob", PASSWORD, "root", StorageError, "role 'root' is not one of admin, consultant, member"),
    ("bob smith", PASSWORD, "member", StorageError, "is not allowed: use 1 to 64 letters"),
    ("", PASSWORD, "member", StorageError, "is not allowed"),
    ("bob", "", "member", StorageError, "the password is empty"),
    ("bob", "short7!", "member", StorageError, "too short: at least 8 characters"),
    ("bob", "x" * 1025, "member", StorageError, "too long"),
])
def test_bad_users_are_refused_with_the_reason(accounts, name, password, role, error, message):
    accounts.add("alice", PASSWORD, "admin")
    with pytest.raises(error, match=message):
        accounts.add(name, password, role)
    assert accounts.count() == 1


def test_login_gives_a_session_that_expires_and_ends_at_logout(accounts, clock):
    accounts.add("alice", PASSWORD, "member")
    account, token = accounts.login("alice", PASSWORD, "10.0.0.1")
    assert account.name == "alice" and len(token) >= 40
    assert accounts.session_user(token) == account
    clock.advance(hours=11, minutes=59)
    assert accounts.session_user(token) == account
    clock.advance(minutes=2)
    assert accounts.session_user(token) is None  # expired
    _, token = accounts.login("alice", PASSWORD, "10.0.0.1")
    accounts.logout(token)
    assert accounts.session_user(token) is None
    assert accounts.session_user("") is None and accounts.session_user("made-up") is None


def test_wrong_passwords_and_unknown_names_fail_alike(accounts):
    accounts.add("alice", PASSWORD, "member")
    for name, password in (("alice", "wrong password"), ("mallory", PASSWORD), ("alice", ""), ("al\x00ice", PASSWORD)):
        with pytest.raises(LoginFailed, match="^wrong user name or password$"):
            accounts.login(name, password, "10.0.0.1")


def test_a_new_password_ends_every_session(accounts):
    accounts.add("alice", PASSWORD, "member")
    tokens = [accounts.login("alice", PASSWORD)[1] for _ in range(2)]
    accounts.set_password("alice", "another password")
    assert [accounts.session_user(t) for t in tokens] == [None, None]
    with pytest.raises(LoginFailed):
        accounts.login("alice", PASSWORD)
    assert accounts.login("alice", "another password")[0].name == "alice"
    with pytest.raises(StorageError, match="too short"):
        accounts.set_password("alice", "short")
    with pytest.raises(NotFound):
        accounts.set_password("bob", "long enough")


def test_too_many_failures_for_a_name_refuse_even_the_right_password(accounts, clock):
    accounts.add("alice", PASSWORD, "member")
    accounts.add("bob", PASSWORD, "member")
    for _ in range(5):
        with pytest.raises(LoginFailed):
            accounts.login("alice", "guess", "10.0.0.66")
        clock.advance(seconds=10)
    with pytest.raises(LoginThrottled, match="too many failed sign-ins") as refused:
        accounts.login("alice", PASSWORD, "10.0.0.1")  # from anywhere: the name is locked
    assert 0 < refused.value.wait_s <= 15 * 60
    assert accounts.login("bob", PASSWORD, "10.0.0.1")[0].name == "bob"  # other names are not
    clock.advance(seconds=refused.value.wait_s)
    assert accounts.login("alice", PASSWORD, "10.0.0.1")[0].name == "alice"  # the oldest failure aged out


def test_too_many_failures_from_an_address_refuse_every_name_from_it(accounts, clock):
    accounts.add("alice", PASSWORD, "member")
    for n in range(20):
        with pytest.raises(LoginFailed):
            accounts.login(f"guess{n}", "guess", "203.0.113.9")  # 20 names, 1 try each
    with pytest.raises(LoginThrottled):
        accounts.login("alice", PASSWORD, "203.0.113.9")
    assert accounts.login("alice", PASSWORD, "10.0.0.1")[0].name == "alice"  # another address
    clock.advance(minutes=16)
    assert accounts.login("alice", PASSWORD, "203.0.113.9")[0].name == "alice"


def test_a_success_clears_the_names_failures(accounts):
    accounts.add("alice", PASSWORD, "member")
    for _ in range(4):
        with pytest.raises(LoginFailed):
            accounts.login("alice", "typo", "10.0.0.1")
    accounts.login("alice", PASSWORD, "10.0.0.1")
    for _ in range(4):  # four more are allowed again
        with pytest.raises(LoginFailed):
            accounts.login("alice", "typo", "10.0.0.1")
    accounts.login("alice", PASSWORD, "10.0.0.1")


def test_a_weak_hash_is_upgraded_at_the_next_login(db, clock):
    Accounts(db, hasher=QUICK_HASH, clock=clock).add("alice", PASSWORD, "member")
    before = _hash(db)
    assert "m=1024" in before
    Accounts(db, clock=clock).login("alice", PASSWORD)
    assert _hash(db) != before and "m=65536" in _hash(db)


def _hash(db) -> str:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        return conn.execute(text("SELECT password_hash FROM users")).scalar()


def test_passwords_and_session_tokens_are_never_stored_in_clear(accounts, db, backend):
    secret = "Zq7-unusual-passphrase-41"
    accounts.add("alice", secret, "member")
    _, token = accounts.login("alice", secret)
    accounts.set_password("alice", secret + "x")
    assert _hash(db).startswith("$argon2id$")
    db.close()
    files = backend.files()
    assert files
    for path in files:
        data = path.read_bytes()
        for value in (secret, token, (secret + "x")):
            assert value.encode() not in data, f"{value[:4]}… in clear in {path.name}"


def test_removing_a_user_removes_their_sessions(accounts, db):
    accounts.add("alice", PASSWORD, "member")
    accounts.login("alice", PASSWORD)
    accounts.remove("alice")
    assert raw_count(db, "login_sessions") == 0


@pytest.mark.parametrize("mode, users, required", [("auto", 0, False), ("auto", 1, True), ("on", 0, True),
                                                   ("off", 1, False)])
def test_sign_in_is_required_by_the_setting_or_once_a_user_exists(accounts, tmp_path, mode, users, required):
    from app.settings import Settings

    if users:
        accounts.add("alice", PASSWORD, "member")
    assert auth_required(Settings(data_dir=tmp_path, auth=mode), accounts) is required


def test_throttle_and_session_length_come_from_the_settings(db, tmp_path):
    from app.settings import Settings

    accounts = Accounts.from_settings(db, Settings(data_dir=tmp_path, session_hours=2, login_failures_per_user=3,
                                                   login_failures_per_address=9, login_failure_window_minutes=5))
    assert accounts.session_length == timedelta(hours=2)
    assert accounts.throttle == LoginThrottle(3, 9, timedelta(minutes=5))
