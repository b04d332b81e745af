"""The one application database: SQLite in the data dir by default, PostgreSQL when
``database_url`` names one. Opening it applies the schema steps it has not had yet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from app.storage.errors import StorageError
from app.storage.tables import Base, SchemaVersion

# The ordered schema steps; the list index + 1 is the version a step brings the database to. A new
# database gets the tables as declared in tables.py and the latest version at once; an older one
# runs the steps after its version. A later change adds a step (e.g. ALTER TABLE) and changes tables.py.
def _document_owners(conn: Connection) -> None:
    Base.metadata.tables["document_owners"].create(conn, checkfirst=True)
    if "documents" not in {c["name"] for c in inspect(conn).get_columns("conversations")}:
        conn.execute(text("ALTER TABLE conversations ADD COLUMN documents JSON"))


SCHEMA_STEPS: list[tuple[str, Callable[[Connection], None]]] = [
    ("users, sign-in records, API keys, clients, plans, conversations, feedback",
     lambda conn: Base.metadata.create_all(conn)),
    ("who owns which private document; a conversation's document scope", _document_owners),
]
SCHEMA_LOCK = 7204655  # PostgreSQL advisory lock: two app processes starting at once migrate one after the other


@dataclass(frozen=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]  # ``with db.sessions.begin() as session:`` commits or rolls back

    @property
    def backend(self) -> str:
        return self.engine.dialect.name  # "sqlite" or "postgresql"

    def close(self) -> None:
        self.engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def app_database_url(settings) -> str:
    """``database_url`` when set, else the SQLite file in the data dir."""
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    return sqlite_url(settings.app_db)


def open_app_database(settings) -> Database:
    return open_database(app_database_url(settings))


def open_database(url: str) -> Database:
    """Connect, switch SQLite's safety settings on, and bring the schema up to date."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError("database_url is not a database URL; expected e.g. "
                           "postgresql+psycopg://user@host:5432/advisor or sqlite:///path/app.sqlite3") from None
    if parsed.drivername in ("postgresql", "postgres"):  # the installed driver, not SQLAlchemy's default psycopg2
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(f"database_url: {parsed.get_backend_name()} is not supported; use sqlite or postgresql")
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    database = Database(engine, sessionmaker(engine, expire_on_commit=False))
    try:
        apply_schema(database)
    except BaseException:
        engine.dispose()
        raise
    return database


def _sqlite_engine(url) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # Pooled connections move between threads (web requests); each is used by one at a time.
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        # The driver's own transaction handling off, so that SQLAlchemy's BEGIN below is the only one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")  # ON DELETE CASCADE / SET NULL, and no orphan rows
        cursor.execute("PRAGMA journal_mode = WAL")  # readers do not wait for a writer
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; a commit is not an fsync
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Take the write lock at the start: a transaction that reads, then writes, cannot fail
        # half-way with "database is locked" because another one wrote meanwhile.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def schema_version(conn: Connection) -> int:
    if not inspect(conn).has_table(SchemaVersion.__tablename__):
        return 0
    return conn.execute(select(SchemaVersion.version)).scalar() or 0


def apply_schema(database: Database) -> int:
    """Bring the schema to the latest version, in one transaction; returns that version."""
    latest = len(SCHEMA_STEPS)
    with database.engine.begin() as conn:
        if database.backend == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        current = schema_version(conn)
        if current > latest:
            raise StorageError(f"the database has schema version {current}, newer than this advisor knows "
                               f"({latest}): upgrade the advisor")
        if current == latest:
            return current
        if current == 0:
            Base.metadata.create_all(conn)
        else:
            for _, step in SCHEMA_STEPS[current:]:
                step(conn)
        conn.execute(SchemaVersion.__table__.delete())
        conn.execute(SchemaVersion.__table__.insert().values(version=latest))
    return latest
