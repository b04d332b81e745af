import pytest
from sqlalchemy import text

from app.storage.database import SCHEMA_STEPS, app_database_url, open_database, schema_version
from app.storage.errors import StorageError


def test_a_new_database_gets_every_table_and_the_latest_version(db, backend):
    with db.engine.connect() as conn:
        assert schema_version(conn) == len(SCHEMA_STEPS)
        tables = set(db.engine.dialect.get_table_names(conn))
    assert {"users", "login_sessions", "login_failures", "api_keys", "conversations", "turns", "clients",
            "plan_drafts", "feedback", "feedback_documents", "document_owners", "schema_version"} <= tables
    assert db.backend == backend.name


def test_opening_again_keeps_the_version_and_a_newer_schema_is_refused(db, backend):
    open_database(backend.url).close()  # a second start: nothing to do
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE schema_version SET version = 99"))
    with pytest.raises(StorageError, match="schema version 99, newer than this advisor knows"):
        open_database(backend.url)


def test_a_version_1_database_gets_document_owners_and_conversation_scopes(db, backend):
    with db.engine.begin() as conn:  # the schema as version 1 made it
        conn.execute(text("DROP TABLE document_owners"))
        conn.execute(text("ALTER TABLE conversations DROP COLUMN documents"))
        conn.execute(text("INSERT INTO users (name, role, password_hash, created_at) "
                          "VALUES ('wang', 'member', '!', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO conversations (user_id, title, created_at, updated_at) "
                          "SELECT id, 'kept', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM users"))
        conn.execute(text("UPDATE schema_version SET version = 1"))
    upgraded = open_database(backend.url)
    with upgraded.engine.connect() as conn:
        assert schema_version(conn) == len(SCHEMA_STEPS) == 2
        assert "document_owners" in upgraded.engine.dialect.get_table_names(conn)
        assert conn.execute(text("SELECT title, documents FROM conversations")).one() == ("kept", None)
    upgraded.close()


def test_sqlite_enforces_foreign_keys_and_uses_wal(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'sub' / 'app.sqlite3'}")  # the folder is made
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    database.close()


def test_the_url_comes_from_the_settings(tmp_path):
    from app.settings import Settings

    assert app_database_url(Settings(data_dir=tmp_path)) == f"sqlite:///{tmp_path / 'app.sqlite3'}"
    assert Settings(data_dir=tmp_path).app_db == tmp_path / "app.sqlite3"
    url = "postgresql+psycopg://advisor:pw@db.example:5432/advisor"
    assert app_database_url(Settings(data_dir=tmp_path, database_url=url)) == url
    assert "pw" not in repr(Settings(data_dir=tmp_path, database_url=url))  # a secret, not shown
    with pytest.raises(ValueError, match="database_url must be a sqlite:/// or postgresql"):
        Settings(data_dir=tmp_path, database_url="mysql://x@y/z")


@pytest.mark.parametrize("url, message", [("not a url", "not a database URL"),
                                          ("mysql://u@h/db", "mysql is not supported")])
def test_bad_urls_are_clear_errors(url, message):
    with pytest.raises(StorageError, match=message):
        open_database(url)
