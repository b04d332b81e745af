"""``advisor user`` in this process (stdin and the data dir set per test) and once as a user runs
it: every mistake is one ``error:`` line and exit status 2; a new API key is the last line of stdout;
no model is loaded."""

import io
import os
import subprocess
import sys

import pytest

from app.cli.main import main
from tests.conftest import REPO

PASSWORD = "s3cret-pass-1"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ADVISOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("ADVISOR_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no advisor.toml of the checkout
    return tmp_path / "data"


def run(capsys, monkeypatch, *args, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["user", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_users_are_added_listed_reset_and_removed(data_dir, capsys, monkeypatch):
    twice = f"{PASSWORD}\n{PASSWORD}\n"
    assert run(capsys, monkeypatch, "add", "alice", "--role", "admin", stdin=twice) == \
        (0, "added user alice (admin)\n", "")
    assert run(capsys, monkeypatch, "add", "王工", "--role", "consultant", stdin=twice)[0] == 0
    code, out, _ = run(capsys, monkeypatch, "list")
    assert code == 0 and [line.split()[:2] for line in out.splitlines()[1:]] == [["alice", "admin"],
                                                                                 ["王工", "consultant"]]
    assert run(capsys, monkeypatch, "reset-password", "alice", stdin="new-password-2\nnew-password-2\n")[0] == 0
    from app.settings import Settings
    from app.storage.accounts import Accounts
    from app.storage.database import open_app_database

    database = open_app_database(Settings())
    assert Accounts(database).login("alice", "new-password-2")[0].role == "admin"
    database.close()
    assert run(capsys, monkeypatch, "remove", "王工")[0] == 0
    assert "王工" not in run(capsys, monkeypatch, "list")[1]
    assert PASSWORD.encode() not in b"".join(p.read_bytes() for p in data_dir.glob("app.sqlite3*"))


@pytest.mark.parametrize("args, stdin, message", [
    (["add", "alice", "--role", "admin"], f"{PASSWORD}\n{PASSWORD}\n", "error: user 'alice' already exists"),
    (["add", "bob", "--role", "boss"], "", "error: role 'boss' is not one of admin, consultant, member"),
    (["add", "bob smith", "--role", "member"], "", "error: user name 'bob smith' is not allowed"),
    (["add", "bob", "--role", "member"], f"{PASSWORD}\nother-pass-2\n", "error: the two passwords differ"),
    (["add", "bob", "--role", "member"], "\n\n", "error: the password is empty"),
    (["add", "bob", "--role", "member"], "short\nshort\n", "error: the password is too short: at least 8"),
    (["add", "bob", "--role", "member"], f"{PASSWORD}\n", "error: give the password twice"),
    (["remove", "carol"], "", "error: no user named 'carol'"),
    (["reset-password", "carol"], "", "error: no user named 'carol'"),
    (["key", "carol"], "", "error: no user named 'carol'"),
    (["revoke-key", "alice", "ta_nope1234"], "", "error: no API key 'ta_nope1234' for this user"),
    (["revoke-key", "alice", "x"], "", "error: 'x' is too short to name a key"),
])
def test_mistakes_are_one_clear_error_line(data_dir, capsys, monkeypatch, args, stdin, message):
    run(capsys, monkeypatch, "add", "alice", "--role", "admin", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    code, out, err = run(capsys, monkeypatch, *args, stdin=stdin)
    assert code == 2 and out == "" and err.startswith(message) and err.count("\n") == 1, err
    assert PASSWORD not in err + out


def test_at_a_terminal_the_password_is_asked_twice_hidden(data_dir, capsys, monkeypatch):
    import getpass

    answers = iter([PASSWORD, PASSWORD])
    prompts = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or next(answers))
    monkeypatch.setattr(sys, "stdin", Terminal())
    assert main(["user", "add", "alice", "--role", "member"]) == 0
    assert prompts == ["password: ", "password again: "]
    assert PASSWORD not in capsys.readouterr().out


def test_an_unreachable_database_is_a_clear_error(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATABASE_URL", "postgresql+psycopg://advisor:pw-9@127.0.0.1:1/advisor")
    code, out, err = run(capsys, monkeypatch, "list")
    assert code == 2 and err.startswith("error: the database could not be used (OperationalError: ")
    assert "pw-9" not in err and err.count("\n") == 1


def test_a_key_is_the_last_line_and_no_model_is_loaded(tmp_path):
    """As a user runs it, in its own process: the key printed last works, revoking it by prefix stops
    it, and the process never imports a model library."""
    env = dict(os.environ, ADVISOR_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(REPO))
    env.pop("ADVISOR_DATABASE_URL", None)
    heavy = ("torch", "transformers", "sentence_transformers", "llama_cpp", "onnxruntime", "chromadb", "rapidocr")
    script = ("import sys; from app.cli.main import main; code = main(sys.argv[1:]); "
              f"loaded = [m for m in {heavy!r} if m in sys.modules]; "
              "print('loaded:', loaded, file=sys.stderr); sys.exit(code)")

    def advisor(*args, stdin=""):
        return subprocess.run([sys.executable, "-c", script, "user", *args], input=stdin, capture_output=True,
                              text=True, cwd=tmp_path, env=env, timeout=120)

    added = advisor("add", "alice", "--role", "consultant", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.returncode == 0, added.stderr
    made = advisor("key", "alice", "--label", "ci")
    assert made.returncode == 0 and "loaded: []" in made.stderr, made.stderr
    key = made.stdout.splitlines()[-1]
    assert key.startswith("ta_") and len(key) > 40
    from app.storage.api_keys import ApiKeys
    from app.storage.database import open_database

    database = open_database(f"sqlite:///{tmp_path / 'data' / 'app.sqlite3'}")
    keys = ApiKeys(database)
    assert keys.user_for_key(key).name == "alice"
    listed = advisor("keys", "alice")
    assert key[:11] in listed.stdout and key not in listed.stdout
    revoked = advisor("revoke-key", "alice", key[:11])
    assert revoked.returncode == 0 and "revoked API key" in revoked.stdout
    assert keys.user_for_key(key) is None
    database.close()
