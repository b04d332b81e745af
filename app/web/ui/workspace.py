"""The chat page's saved work: the signed-in user's conversations (stored turn by turn, listed,
reopened with their follow-up context, renamed, deleted, exported), a consultant's clients (their
profile fills the chat's, conversations made under one belong to it, self-check results and plan
versions are saved to it; deleting one deletes its documents) and the user's API keys. Every handler takes the user from the Gradio
request (``gr.Request.username``, set by the sign-in: app/web/auth.py), never from the page; ids
the page sends are only looked up among that user's own rows (storage answers "not found" for
anyone else's). Kept apart from the layout so they can be called and tested without the Blocks."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import gradio as gr

from app.document_access import DocumentAccess
from app.storage.accounts import Account
from app.storage.errors import NotFound, StorageError
from app.storage.stores import Stores
from app.web.auth import SESSION_COOKIE, SignInNeeded, WebAuth
from app.web.login import logout_form
from app.web.messages import LOGIN
from app.web.saved import export_conversation, history_from_turns, record_new_turn
from app.web.ui.text import TEXT

NO_CLIENT = 0  # the client dropdown's "no client" (client ids start at 1)
CLIENT_ROLES = ("consultant", "admin")


def new_conversation_state() -> dict:
    """The open conversation: its stored id (None until the first answer is saved) and the index of
    the last chat message whose answer is stored (-1: none)."""
    return {"id": None, "saved": -1}


def profile_dict(tier, industry, headcount, level, pains) -> dict:
    """The chat's profile fields as a client's stored profile (the keys /v1/ask's profile takes)."""
    return {"tier": tier or "", "industry": (industry or "").strip(),
            "headcount": int(headcount) if headcount not in (None, "") else None,
            "digital_level": int(level or 0), "pain_points": (pains or "").strip()}


def profile_values(profile: dict) -> list:
    return [profile.get("tier") or "", profile.get("industry") or "", profile.get("headcount"),
            int(profile.get("digital_level") or 0), profile.get("pain_points") or ""]


def client_id_of(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def username(request) -> str | None:
    return getattr(request, "username", None) if request is not None else None


class Workspace:
    def __init__(self, stores: Stores, auth: WebAuth, documents: DocumentAccess):
        """``documents``: who sees which documents (a client's go with the client)."""
        self.stores = stores
        self.auth = auth
        self.documents = documents

    @property
    def conversations(self):
        return self.stores.conversations

    @property
    def clients(self):
        return self.stores.clients

    def user(self, request, lang: str = "zh") -> Account:
        """The account of this Gradio event; a clear error when the sign-in has ended."""
        try:
            return self.auth.account_named(username(request))
        except SignInNeeded:
            raise gr.Error(TEXT[lang if lang in TEXT else "zh"]["ws_signin"]) from None

    # ------------------------------------------------------------ the page
    def page_load(self, lang, request: gr.Request = None):
        """At every page load (a reload, a restart: everything comes from the database): who is
        signed in, the admin panel for an admin, the clients for a consultant, the conversations.
        -> (header HTML, is_admin, admin panel, KB login row, client box, plan versions box, self-check
        "save to client" button, client dropdown, conversation list)."""
        account = self.user(request, lang)
        required = self.auth.required()
        admin = required and account.is_admin
        header = ""
        if required:
            t = LOGIN[lang]
            token = (getattr(request, "cookies", None) or {}).get(SESSION_COOKIE, "")
            logout_link = f'<a href="/logout" id="logout-link">{t["logout"]}</a>'
            header = (f'<div class="account-bar" id="account-bar"><span id="account-name">'
                      f'{t["signed_in"].format(name=account.name, role=t["roles"].get(account.role, account.role))}'
                      f'</span>{logout_form(lang, token) if token else logout_link}</div>')
        consultant = gr.update(visible=account.role in CLIENT_ROLES)
        return (header, admin, gr.update(visible=admin) if admin else gr.skip(), gr.update(visible=not required),
                consultant, consultant, consultant, self.client_choices(account, lang, NO_CLIENT),
                self.conversation_list(account, None, ""))

    # ------------------------------------------------------------ conversations
    def conversation_list(self, account: Account, client_id: int | None, search: str, value=None):
        rows = self.conversations.list(account.id, search or "", client_id=client_id)
        choices = [(f"{r.title or '—'} · {r.updated_at:%m-%d %H:%M}", r.id) for r in rows]
        return gr.update(choices=choices, value=value if value in [c[1] for c in choices] else None)

    def search(self, search, client_id, lang, request: gr.Request = None):
        account = self.user(request, lang)
        return self.conversation_list(account, client_id, search)

    def save_turns(self, answers: dict, conversation: dict, client_id, search, lang, request: gr.Request = None,
                   documents=None):
        """After each answer: the turns not stored yet are stored (the conversation is made at the first
        one, titled from its question, under the current client), with the documents picked as the
        conversation's scope. -> (conversation state, list)."""
        account = self.user(request, lang)
        conversation = dict(conversation or new_conversation_state())
        new = sorted((int(k), a) for k, a in (answers or {}).items() if int(k) > conversation["saved"])
        scope = [str(d) for d in documents or []]
        for index, answer in new:
            conversation["id"] = record_new_turn(self.conversations, account.id, conversation["id"],
                                                 str(answer.get("question", "")), answer, client_id, scope)
            conversation["saved"] = index
        return conversation, self.conversation_list(account, client_id, search, conversation["id"])

    def open(self, conversation_id, lang, request: gr.Request = None):
        """Reopen a stored conversation: its messages, the follow-up history, the answers (for
        feedback) and the documents its questions were limited to come back. -> (chat messages,
        history, answers, conversation state, sources, title, picked documents)."""
        account = self.user(request, lang)
        if conversation_id in (None, ""):
            return (gr.skip(),) * 7
        try:
            saved = self.conversations.get(account.id, int(conversation_id))
        except (NotFound, ValueError, TypeError):
            raise gr.Error(TEXT[lang]["ws_not_found"]) from None
        messages, answers = [], {}
        for turn in saved.turns:
            messages += [{"role": "user", "content": turn.question},
                         {"role": "assistant", "content": str(turn.answer.get("answer", ""))}]
            answers[str(len(messages) - 1)] = turn.answer
        state = {"id": saved.info.id, "saved": len(messages) - 1}
        return (messages, history_from_turns(saved.turns), answers, state, "", saved.info.title,
                list(saved.info.documents))

    @staticmethod
    def new_chat():
        """-> (chat messages, sources, history, answers, conversation state, list selection)."""
        return [], "", [], {}, new_conversation_state(), gr.update(value=None)

    def rename(self, conversation_id, title, client_id, search, lang, request: gr.Request = None):
        """-> (list, status)."""
        account = self.user(request, lang)
        if conversation_id in (None, ""):
            return gr.skip(), TEXT[lang]["ws_none"]
        try:
            self.conversations.rename(account.id, int(conversation_id), title or "")
        except NotFound:
            return gr.skip(), TEXT[lang]["ws_not_found"]
        except StorageError as exc:
            return gr.skip(), str(exc)
        return self.conversation_list(account, client_id, search, int(conversation_id)), TEXT[lang]["ws_renamed"]

    def delete(self, conversation_id, conversation: dict, client_id, search, lang, request: gr.Request = None):
        """Delete the conversation chosen in the list (its rows are gone); the chat is cleared when it
        was the open one. -> (list, chat, history, answers, conversation state, status)."""
        account = self.user(request, lang)
        skip = (gr.skip(),) * 4
        if conversation_id in (None, ""):
            return (gr.skip(),) + skip + (TEXT[lang]["ws_none"],)
        try:
            self.conversations.delete(account.id, int(conversation_id))
        except NotFound:
            return (gr.skip(),) + skip + (TEXT[lang]["ws_not_found"],)
        listing = self.conversation_list(account, client_id, search)
        if (conversation or {}).get("id") == int(conversation_id):
            return listing, [], [], {}, new_conversation_state(), TEXT[lang]["ws_deleted"]
        return (listing,) + skip + (TEXT[lang]["ws_deleted"],)

    def export(self, conversation_id, kind: str, lang, request: gr.Request = None):
        """-> (file, status)."""
        account = self.user(request, lang)
        if conversation_id in (None, ""):
            return None, TEXT[lang]["ws_none"]
        try:
            saved = self.conversations.get(account.id, int(conversation_id))
        except NotFound:
            return None, TEXT[lang]["ws_not_found"]
        return str(export_conversation(saved, kind, Path(tempfile.mkdtemp(prefix="conversation-")))), ""

    # ------------------------------------------------------------ clients
    def client_choices(self, account: Account, lang: str, value=NO_CLIENT):
        if account.role not in CLIENT_ROLES:
            return gr.update(choices=[(TEXT[lang]["cl_none"], NO_CLIENT)], value=NO_CLIENT)
        rows = self.clients.list(account.id)
        return gr.update(choices=[(TEXT[lang]["cl_none"], NO_CLIENT)] + [(c.name, c.id) for c in rows], value=value)

    def _client_user(self, request, lang) -> Account:
        account = self.user(request, lang)
        if account.role not in CLIENT_ROLES:
            raise gr.Error(TEXT[lang]["cl_need"])
        return account

    def create_client(self, name, tier, industry, headcount, level, pains, lang, request: gr.Request = None):
        """A new client with the chat's profile, made current; a new chat starts under it.
        -> (client dropdown, client id, conversation list, status, name box)."""
        account = self._client_user(request, lang)
        try:
            client = self.clients.create(account.id, name or "", profile_dict(tier, industry, headcount, level, pains))
        except StorageError as exc:
            return gr.skip(), gr.skip(), gr.skip(), str(exc), gr.skip()
        return (self.client_choices(account, lang, client.id), client.id, self.conversation_list(account, client.id, ""),
                TEXT[lang]["cl_created"].format(name=client.name), "")

    def select_client(self, value, lang, request: gr.Request = None):
        """Switch client: the profile fields take its profile, the list its conversations, the plan tab
        its saved versions, the self-check tab its saved report. -> (client id, tier, industry,
        headcount, level, pains, list, versions, status, self-check report)."""
        account = self.user(request, lang)
        client_id = client_id_of(value)
        if client_id is None:
            return (None, *[gr.skip()] * 5, self.conversation_list(account, None, ""),
                    gr.update(choices=[], value=None), "", gr.skip())
        try:
            client = self.clients.get(account.id, client_id)
        except NotFound:
            raise gr.Error(TEXT[lang]["cl_not_found"]) from None
        report = client.selfcheck_results.get("markdown")
        return (client.id, *profile_values(client.profile), self.conversation_list(account, client.id, ""),
                self.version_choices(account, client.id), TEXT[lang]["cl_selected"].format(name=client.name),
                f"*{client.name}*\n\n{report}" if report else "")

    def save_profile(self, client_id, tier, industry, headcount, level, pains, lang, request: gr.Request = None):
        account = self._client_user(request, lang)
        if client_id is None:
            return TEXT[lang]["cl_need"]
        try:
            client = self.clients.update(account.id, int(client_id),
                                         profile=profile_dict(tier, industry, headcount, level, pains))
        except NotFound:
            return TEXT[lang]["cl_not_found"]
        return TEXT[lang]["cl_saved"].format(name=client.name)

    def rename_client(self, client_id, name, lang, request: gr.Request = None):
        """The current client renamed to the name in the box. -> (client dropdown, status, name box)."""
        account = self._client_user(request, lang)
        if client_id is None:
            return gr.skip(), TEXT[lang]["cl_need"], gr.skip()
        try:
            client = self.clients.update(account.id, int(client_id), name=name or "")
        except NotFound:
            return gr.skip(), TEXT[lang]["cl_not_found"], gr.skip()
        except StorageError as exc:
            return gr.skip(), str(exc), gr.skip()
        return self.client_choices(account, lang, client.id), TEXT[lang]["cl_renamed"].format(name=client.name), ""

    def delete_client(self, client_id, lang, request: gr.Request = None):
        """The current client deleted with its plan versions and its documents (its conversations
        stay, under no client); no client is current. -> (client dropdown, client id, conversation
        list, versions, status)."""
        account = self._client_user(request, lang)
        if client_id is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), TEXT[lang]["cl_need"]
        try:
            name = self.clients.get(account.id, int(client_id)).name
            self.documents.delete_client(account, int(client_id))
        except NotFound:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), TEXT[lang]["cl_not_found"]
        return (self.client_choices(account, lang, NO_CLIENT), None, self.conversation_list(account, None, ""),
                gr.update(choices=[], value=None), TEXT[lang]["cl_deleted"].format(name=name))

    def save_selfcheck(self, client_id, result, lang, request: gr.Request = None):
        """The self-check's answers and result (with its report) saved to the current client."""
        account = self._client_user(request, lang)
        if client_id is None:
            return TEXT[lang]["cl_need"]
        if result is None:
            return TEXT[lang]["sc_none"]
        results = dict(result.to_json(), markdown=result.to_markdown())
        try:
            client = self.clients.save_selfcheck(account.id, int(client_id), dataclasses.asdict(result.answers), results)
        except NotFound:
            return TEXT[lang]["cl_not_found"]
        return TEXT[lang]["sc_saved_client"].format(name=client.name)

    # ------------------------------------------------------------ plan versions
    def version_choices(self, account: Account, client_id: int, value=None):
        versions = self.clients.plan_versions(account.id, client_id)
        choices = [(f"v{v.version} · {v.created_at:%Y-%m-%d %H:%M}" + (f" · {v.note}" if v.note else ""), v.version)
                   for v in reversed(versions)]
        return gr.update(choices=choices, value=value)

    def save_plan(self, client_id, text, goal, sources, note, lang, request: gr.Request = None):
        """The plan draft as it is in the box (edited or not) saved as the client's next version.
        -> (versions dropdown, status)."""
        account = self._client_user(request, lang)
        if client_id is None:
            return gr.skip(), TEXT[lang]["cl_need"]
        if not (text or "").strip():
            return gr.skip(), TEXT[lang]["pl_empty"]
        plan = {"markdown": text, "goal": goal or "", "sources": sources or []}
        try:
            version = self.clients.save_plan(account.id, int(client_id), plan, note or "")
        except NotFound:
            return gr.skip(), TEXT[lang]["cl_not_found"]
        return (self.version_choices(account, int(client_id), version.version),
                TEXT[lang]["pl_saved"].format(version=version.version))

    def open_plan(self, client_id, version, lang, request: gr.Request = None):
        """Reopen a saved version to edit and export again. -> (plan text, goal, sources, status)."""
        account = self._client_user(request, lang)
        if client_id is None or version in (None, ""):
            return gr.skip(), gr.skip(), gr.skip(), TEXT[lang]["cl_need"]
        try:
            saved = self.clients.plan(account.id, int(client_id), int(version))
        except (NotFound, ValueError):
            return gr.skip(), gr.skip(), gr.skip(), TEXT[lang]["pl_not_found"]
        return saved.plan.get("markdown", ""), saved.plan.get("goal", ""), saved.plan.get("sources") or None, ""

    # ------------------------------------------------------------ API keys
    def keys_table(self, account: Account, lang: str) -> str:
        rows = self.stores.api_keys.list(account.id)
        if not rows:
            return TEXT[lang]["keys_none"]
        lines = ["| id | key | label | created | state |", "|---|---|---|---|---|"]
        for k in rows:
            state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
            lines.append(f"| {k.id} | `{k.prefix}…` | {k.label} | {k.created_at:%Y-%m-%d} | {state} |")
        return "\n".join(lines)

    def list_keys(self, lang, request: gr.Request = None):
        return self.keys_table(self.user(request, lang), lang)

    def create_key(self, label, lang, request: gr.Request = None):
        """-> (the new key, shown once; the table)."""
        account = self.user(request, lang)
        new = self.stores.api_keys.create(account.id, label or "")
        return gr.update(value=new.key, visible=True), self.keys_table(account, lang)

    def revoke_key(self, which, lang, request: gr.Request = None):
        """-> (the table, status)."""
        account = self.user(request, lang)
        try:
            info = self.stores.api_keys.revoke(account.id, which or "")
        except StorageError as exc:
            return gr.skip(), str(exc)
        return self.keys_table(account, lang), TEXT[lang]["keys_revoked"].format(prefix=info.prefix)
