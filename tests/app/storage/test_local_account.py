"""The local account of the app without sign-in: made once on first use, no password that any
sign-in matches, not counted as a user (so it does not turn sign-in on), until an admin gives it one."""

import pytest

from app.settings import Settings
from app.storage.accounts import LOCAL_USER, Accounts, LoginFailed, auth_required
from app.storage.errors import Duplicate
from tests.app.storage.test_accounts import QUICK_HASH


def test_the_local_account_is_made_once_and_does_not_turn_sign_in_on(db, clock):
    accounts = Accounts(db, hasher=QUICK_HASH, clock=clock)
    local = accounts.local()
    assert local.name == LOCAL_USER and local.role == "consultant" and accounts.local() == local
    assert accounts.count() == 0 and not auth_required(Settings(auth="auto"), accounts)
    for password in ("", "!", "anything-at-all"):
        with pytest.raises(LoginFailed):
            accounts.login(LOCAL_USER, password)
    with pytest.raises(Duplicate):
        accounts.add(LOCAL_USER, "a-password-1", "admin")
    accounts.set_password(LOCAL_USER, "now-a-password")  # an admin claims the open app's work
    assert accounts.login(LOCAL_USER, "now-a-password")[0].id == local.id
    assert accounts.count() == 1 and auth_required(Settings(auth="auto"), accounts)
