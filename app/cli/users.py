"""``advisor user``: add, list and remove users, reset a password, make and revoke API keys. Works on
the application database (removing a user also opens the index, to delete their documents); no
model is loaded. Passwords and keys are never logged;
a new key is printed once, as the last line of stdout, for scripts to take."""

from __future__ import annotations

import getpass
import sys

from app.storage.accounts import ROLES

EXIT_USAGE = 2


class PasswordInputError(ValueError):
    """The password could not be read, or was typed differently the second time."""


def read_new_password(stdin=None) -> str:
    """Twice from a hidden prompt at a terminal; else two lines on stdin (for scripts)."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first, second = getpass.getpass("password: "), getpass.getpass("password again: ")
    else:
        lines = stdin.read().splitlines()
        if len(lines) < 2:
            raise PasswordInputError("give the password twice: two lines on stdin")
        first, second = lines[0], lines[1]
    if first != second:
        raise PasswordInputError("the two passwords differ")
    return first


def _stores():
    from app.settings import Settings
    from app.storage.accounts import Accounts
    from app.storage.api_keys import ApiKeys
    from app.storage.database import open_app_database

    settings = Settings()
    database = open_app_database(settings)
    return Accounts.from_settings(database, settings), ApiKeys(database)


def cmd_add(args) -> int:
    from app.storage.accounts import check_role, normalize_name
    from app.storage.errors import Duplicate

    name = normalize_name(args.name)  # these are refused before a password is asked for
    check_role(args.role)
    accounts, _ = _stores()
    if accounts.exists(name):
        raise Duplicate(f"user {name!r} already exists")
    account = accounts.add(name, read_new_password(), args.role)
    print(f"added user {account.name} ({account.role})")
    return 0


def cmd_list(args) -> int:
    accounts, keys = _stores()
    users = accounts.list()
    if not users:
        print("no users: add one with `advisor user add NAME --role admin`")
        return 0
    print(f"{'name':<24} {'role':<11} {'created (UTC)':<17} active API keys")
    for user in users:
        active = sum(k.active for k in keys.list(user.id))
        print(f"{user.name:<24} {user.role:<11} {user.created_at:%Y-%m-%d %H:%M} {active:>5}")
    return 0


def cmd_remove(args) -> int:
    from app.services import Services
    from app.settings import Settings

    accounts, _ = _stores()
    accounts.get(args.name)  # an unknown user is said before the index is opened
    Services(Settings()).document_access.delete_user(args.name)  # their documents leave the index first
    print(f"removed user {args.name} with their sessions, API keys, conversations, clients and documents")
    return 0


def cmd_reset_password(args) -> int:
    accounts, _ = _stores()
    accounts.get(args.name)  # an unknown user is said before a password is asked for
    accounts.set_password(args.name, read_new_password())
    print(f"new password set for {args.name}; their sessions have ended")
    return 0


def cmd_key(args) -> int:
    accounts, keys = _stores()
    new = keys.create(accounts.get(args.name).id, args.label or "")
    print(f"API key {new.info.prefix}… (id {new.info.id}) for {args.name}; it is shown once, keep it now:")
    print(new.key)
    return 0


def cmd_keys(args) -> int:
    accounts, keys = _stores()
    rows = keys.list(accounts.get(args.name).id)
    if not rows:
        print(f"{args.name} has no API keys")
    for k in rows:
        state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active"
        used = f", last used {k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else ""
        print(f"{k.id:>4}  {k.prefix}…  created {k.created_at:%Y-%m-%d %H:%M}{used}  {state}  {k.label}")
    return 0


def cmd_revoke_key(args) -> int:
    accounts, keys = _stores()
    info = keys.revoke(accounts.get(args.name).id, args.key)
    print(f"revoked API key {info.prefix}… (id {info.id}) of {args.name}")
    return 0


def add_user_parser(sub) -> None:
    p = sub.add_parser("user", help="users of the web app and the API: add, list, remove, passwords, API keys")
    actions = p.add_subparsers(dest="user_command", required=True)
    a = actions.add_parser("add", help="add a user; the password is asked twice (or read as two lines on stdin)")
    a.add_argument("name")
    # checked by the storage rules, not argparse: one `error:` line like every other mistake
    a.add_argument("--role", required=True, metavar="|".join(ROLES))
    a.set_defaults(func=cmd_users, run=cmd_add)
    a = actions.add_parser("list", help="users with their roles")
    a.set_defaults(func=cmd_users, run=cmd_list)
    a = actions.add_parser("remove",
                           help="delete a user with their sessions, keys, conversations, clients and documents")
    a.add_argument("name")
    a.set_defaults(func=cmd_users, run=cmd_remove)
    a = actions.add_parser("reset-password", help="set a new password (asked twice); ends the user's sessions")
    a.add_argument("name")
    a.set_defaults(func=cmd_users, run=cmd_reset_password)
    a = actions.add_parser("key", help="make an API key for the user; printed once, as the last line")
    a.add_argument("name")
    a.add_argument("--label", help="what the key is for, shown in `advisor user keys`")
    a.set_defaults(func=cmd_users, run=cmd_key)
    a = actions.add_parser("keys", help="the user's API keys (prefix, id, state)")
    a.add_argument("name")
    a.set_defaults(func=cmd_users, run=cmd_keys)
    a = actions.add_parser("revoke-key", help="revoke one of the user's API keys at once")
    a.add_argument("name")
    a.add_argument("key", metavar="PREFIX_OR_ID", help="the key's prefix (ta_…) or id, from `advisor user keys`")
    a.set_defaults(func=cmd_users, run=cmd_revoke_key)


def cmd_users(args) -> int:
    """Run the action; a mistake (unknown user, taken name, bad role or password, an unreachable
    database) is one ``error:`` line and exit status 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.storage.errors import StorageError

    try:
        return args.run(args)
    except (StorageError, PasswordInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except EOFError:
        print("error: no password given", file=sys.stderr)
    except SQLAlchemyError as exc:  # what failed, without the statement or its parameters
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(f"error: the database could not be used ({exc.__class__.__name__}: {reason})", file=sys.stderr)
    return EXIT_USAGE
