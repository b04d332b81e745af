"""Every repository of the application database, opened once per process and shared (the web
app, its API and its pages use the same ones)."""

from __future__ import annotations

from dataclasses import dataclass

from app.storage.accounts import Accounts, auth_required
from app.storage.api_keys import ApiKeys
from app.storage.clients import Clients
from app.storage.conversations import Conversations
from app.storage.database import Database, open_app_database
from app.storage.document_owners import DocumentOwners
from app.storage.feedback import FeedbackStore


@dataclass(frozen=True)
class Stores:
    database: Database
    accounts: Accounts
    api_keys: ApiKeys
    conversations: Conversations
    clients: Clients
    feedback: FeedbackStore
    settings: object
    document_owners: DocumentOwners

    @classmethod
    def open(cls, settings, database: Database | None = None, feedback: FeedbackStore | None = None) -> "Stores":
        database = database or open_app_database(settings)
        return cls(database, Accounts.from_settings(database, settings), ApiKeys(database), Conversations(database),
                   Clients(database), feedback or FeedbackStore(database), settings, DocumentOwners(database))

    def auth_required(self) -> bool:
        """Whether sign-in is asked for now: ``auth`` on, or auto and a user exists (read each time:
        adding the first user with ``advisor user add`` turns it on for a running server too)."""
        return auth_required(self.settings, self.accounts)
