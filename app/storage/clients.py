"""A consultant's client workspaces: the enterprise profile, the self-check's answers and result,
and plan drafts. Every save of a plan adds a version; earlier ones are kept to compare or go back to."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.storage.database import Database
from app.storage.errors import Duplicate, NotFound, StorageError
from app.storage.checks import clean_text, json_dict, owned
from app.storage.tables import Client, Clock, PlanDraft, utc_now

MAX_NAME = 200


@dataclass(frozen=True)
class ClientInfo:
    id: int
    name: str
    profile: dict  # the enterprise profile (tier, industry, headcount, digital level, pain points)
    selfcheck_answers: dict
    selfcheck_results: dict
    created_at: datetime
    updated_at: datetime
    plan_versions: int


@dataclass(frozen=True)
class PlanVersion:
    version: int  # 1, 2, … in the order saved
    plan: dict  # the plan JSON (app/plan/service.py plan_json), as edited
    note: str
    created_at: datetime

    def to_json(self) -> dict:
        return {"version": self.version, "plan": self.plan, "note": self.note,
                "created_at": self.created_at.isoformat()}


def client_name(name: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", clean_text(name)).split())
    if not name:
        raise StorageError("the client name is empty")
    if len(name) > MAX_NAME:
        raise StorageError(f"the client name is too long: at most {MAX_NAME} characters")
    return name


def _info(session, row: Client) -> ClientInfo:
    versions = session.scalar(select(func.count(PlanDraft.id)).where(PlanDraft.client_id == row.id)) or 0
    return ClientInfo(row.id, row.name, row.profile, row.selfcheck_answers, row.selfcheck_results, row.created_at,
                      row.updated_at, versions)


def _version(row: PlanDraft) -> PlanVersion:
    return PlanVersion(row.version, row.plan, row.note, row.created_at)


class Clients:
    def __init__(self, database: Database, clock: Clock = utc_now):
        self.db = database
        self.clock = clock

    def create(self, user_id: int, name: str, profile: dict | None = None) -> ClientInfo:
        name, profile = client_name(name), json_dict(profile, "the profile")
        now = self.clock()
        with self.db.sessions.begin() as session:
            self._check_free(session, user_id, name)
            row = Client(user_id=user_id, name=name, profile=profile, selfcheck_answers={}, selfcheck_results={},
                         created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            return _info(session, row)

    @staticmethod
    def _check_free(session, user_id: int, name: str, except_id: int | None = None) -> None:
        taken = session.scalar(select(Client.id).where(Client.user_id == user_id, Client.name == name))
        if taken is not None and taken != except_id:
            raise Duplicate(f"you already have a client named {name!r}")

    def list(self, user_id: int) -> list[ClientInfo]:
        """The user's clients, the most recently changed first."""
        with self.db.sessions.begin() as session:
            rows = session.scalars(select(Client).where(Client.user_id == user_id)
                                   .order_by(Client.updated_at.desc(), Client.id.desc())).all()
            return [_info(session, row) for row in rows]

    def get(self, user_id: int, client_id: int) -> ClientInfo:
        with self.db.sessions.begin() as session:
            return _info(session, owned(session, Client, client_id, user_id, "client"))

    def update(self, user_id: int, client_id: int, *, name: str | None = None,
               profile: dict | None = None) -> ClientInfo:
        """Rename the client and/or replace its profile (None: leave as it is)."""
        name = client_name(name) if name is not None else None
        profile = json_dict(profile, "the profile") if profile is not None else None
        with self.db.sessions.begin() as session:
            row = owned(session, Client, client_id, user_id, "client")
            if name is not None:
                self._check_free(session, user_id, name, except_id=row.id)
                row.name = name
            if profile is not None:
                row.profile = profile
            row.updated_at = self.clock()
            return _info(session, row)

    def save_selfcheck(self, user_id: int, client_id: int, answers: dict, results: dict) -> ClientInfo:
        """The self-check's answers and its result (``SelfCheckResult.to_json()``), replacing earlier ones."""
        answers, results = json_dict(answers, "the self-check answers"), json_dict(results, "the self-check results")
        with self.db.sessions.begin() as session:
            row = owned(session, Client, client_id, user_id, "client")
            row.selfcheck_answers, row.selfcheck_results = answers, results
            row.updated_at = self.clock()
            return _info(session, row)

    def delete(self, user_id: int, client_id: int) -> None:
        """Delete the client and its plan versions; its conversations stay, without the client."""
        with self.db.sessions.begin() as session:
            session.delete(owned(session, Client, client_id, user_id, "client"))

    # ------------------------------------------------------------ plan drafts
    def save_plan(self, user_id: int, client_id: int, plan: dict, note: str = "") -> PlanVersion:
        """Save the plan as the client's next version (1 for the first)."""
        plan = json_dict(plan, "the plan")
        now = self.clock()
        with self.db.sessions.begin() as session:
            # the client row locked (PostgreSQL): two saves at once get versions n and n+1
            row = owned(session, Client, client_id, user_id, "client", for_update=True)
            version = (session.scalar(select(func.max(PlanDraft.version)).where(PlanDraft.client_id == row.id))
                       or 0) + 1
            draft = PlanDraft(client_id=row.id, version=version, plan=plan, note=clean_text(note).strip()[:500],
                              created_at=now)
            session.add(draft)
            row.updated_at = now
            return _version(draft)

    def latest_plan(self, user_id: int, client_id: int) -> PlanVersion | None:
        """The client's last saved plan; None when it has none yet."""
        with self.db.sessions.begin() as session:
            row = owned(session, Client, client_id, user_id, "client")
            draft = session.scalar(select(PlanDraft).where(PlanDraft.client_id == row.id)
                                   .order_by(PlanDraft.version.desc()).limit(1))
            return _version(draft) if draft else None

    def plan(self, user_id: int, client_id: int, version: int) -> PlanVersion:
        with self.db.sessions.begin() as session:
            row = owned(session, Client, client_id, user_id, "client")
            draft = None
            if isinstance(version, int):
                draft = session.scalar(select(PlanDraft).where(PlanDraft.client_id == row.id,
                                                               PlanDraft.version == version))
            if draft is None:
                raise NotFound(f"no plan version {version!r} for this client")
            return _version(draft)

    def plan_versions(self, user_id: int, client_id: int) -> list[PlanVersion]:
        """Every saved version, the first first."""
        with self.db.sessions.begin() as session:
            return [_version(d) for d in owned(session, Client, client_id, user_id, "client").plans]

    def export(self, user_id: int, client_id: int) -> dict:
        """The whole workspace as plain JSON: profile, self-check and every plan version."""
        with self.db.sessions.begin() as session:
            row = owned(session, Client, client_id, user_id, "client")
            return {"id": row.id, "name": row.name, "profile": row.profile,
                    "selfcheck": {"answers": row.selfcheck_answers, "results": row.selfcheck_results},
                    "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat(),
                    "plans": [_version(d).to_json() for d in row.plans]}
