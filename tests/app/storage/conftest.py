"""The storage tests run on both backends: SQLite (the fast lane) and a real PostgreSQL server
started for the session (``-m postgres``; also ``slow``, out of the fast lane; the ``postgres_server``
fixture of tests/conftest.py). Without PostgreSQL installed (scripts/install-postgres.sh) its tests
are skipped, saying so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import pytest


BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=[pytest.mark.postgres, pytest.mark.slow])]


@dataclass
class Backend:
    name: str
    url: str
    files: Callable[[], list[Path]]  # the files the database lives in, to search for clear text


class FakeClock:
    """The clock the repositories read: tests move it to expire sessions and age failures."""

    def __init__(self):
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "app.sqlite3"
        yield Backend("sqlite", f"sqlite:///{path}", lambda: sorted(tmp_path.glob("app.sqlite3*")))
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    yield Backend("postgresql", server.url(name), server.files)
    server.drop_database(name)


@pytest.fixture
def db(backend):
    from app.storage.database import open_database

    database = open_database(backend.url)
    yield database
    database.close()


@pytest.fixture
def clock():
    return FakeClock()


def raw_count(database, table: str) -> int:
    """Rows in a table, counted in SQL past the repositories (what is really left)."""
    from sqlalchemy import text

    with database.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
