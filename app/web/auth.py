"""Who is asking, for every part of the web app: the browser's sign-in session (a server-side
session whose token lives only in an HttpOnly cookie), an API key (or the server's ``api_token``)
on /v1, or, while sign-in is off, the one local user. Also the CSRF checks of the form posts and
the gate that sends a browser without a session to /login.

How the Gradio app is tied to the session: it is mounted with ``auth_dependency=WebAuth.gradio_user``,
which Gradio calls on every request of its own (the page, /config, /gradio_api/queue/join, uploads,
files …): it reads the session cookie and answers the account's name, or None, which Gradio turns
into 401. Gradio hands that name to every event handler as ``gr.Request.username``; the handlers
(``WebAuth.account_named``) take the account from it, never from anything the page sends."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import anyio
from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse

from app.storage.accounts import Account
from app.storage.errors import NotFound
from app.storage.stores import Stores
from app.web.errors import APIError

SESSION_COOKIE = "advisor_session"
CSRF_COOKIE = "advisor_csrf"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# What the sign-in gate lets through without a session: the sign-in pages, the API (its own keys),
# health, and Gradio's routes, which Gradio refuses itself (401) through ``gradio_user``.
OPEN_PREFIXES = ("/login", "/logout", "/v1", "/healthz", "/gradio_api")


class SignInNeeded(Exception):
    """A Gradio handler was called without a signed-in user while sign-in is on."""


@dataclass(frozen=True)
class Caller:
    """Who is calling the API: an account, whether it may use the admin routes, and how it came."""
    account: Account
    admin: bool
    via: str  # "key" (a user's API key), "token" (the server's api_token), "open" (sign-in off)


def session_csrf(session_token: str) -> str:
    """The CSRF token of a signed-in browser's forms: derived from the session token, which only
    that browser holds (an HttpOnly cookie), so another site can neither read nor make it."""
    return hmac.new(session_token.encode(), b"advisor-csrf", hashlib.sha256).hexdigest()[:32]


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def same_origin(headers) -> bool:
    """A form post came from a page of this server: its Origin (else its Referer) names the Host
    the request was sent to. Neither header, or ``Origin: null``: refused."""
    host = (headers.get("host") or "").lower()
    origin = headers.get("origin")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc.lower() == host and bool(host)
    referer = headers.get("referer")
    return bool(referer) and bool(host) and urlsplit(referer).netloc.lower() == host


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


class WebAuth:
    def __init__(self, stores: Stores, settings):
        self.stores = stores
        self.settings = settings

    @property
    def accounts(self):
        return self.stores.accounts

    def required(self) -> bool:
        return self.stores.auth_required()

    def local(self) -> Account:
        return self.accounts.local()

    # ------------------------------------------------------------ browsers
    def session_account(self, token: str | None) -> Account | None:
        return self.accounts.session_user(token) if token else None

    def browser_account(self, cookies) -> Account | None:
        """The account of a browser: its session's, or the local user while sign-in is off."""
        if not self.required():
            return self.local()
        return self.session_account(cookies.get(SESSION_COOKIE))

    async def gradio_user(self, request) -> str | None:
        """Gradio's ``auth_dependency``: the name of the signed-in account, None (401) without one."""
        account = await anyio.to_thread.run_sync(self.browser_account, request.cookies)
        return account.name if account else None

    def account_named(self, username: str | None) -> Account:
        """The account of a Gradio event, from the name ``gradio_user`` gave (``gr.Request.username``).
        Without a name (the Blocks run on their own, or sign-in was off when the page loaded): the
        local user while sign-in is off, else refused."""
        if not self.required():
            return self.local()
        if not username:
            raise SignInNeeded("sign in first")
        try:
            return self.accounts.get(username)
        except NotFound:  # removed since the page loaded
            raise SignInNeeded("sign in first") from None

    # ------------------------------------------------------------ the API
    def api_caller(self, authorization: str) -> Caller | None:
        """The caller of a /v1 request from its Authorization header; None when sign-in is on and no
        valid key came (401). A revoked key is refused at once: every request reads the database."""
        scheme, _, given = (authorization or "").partition(" ")
        given = given.strip() if scheme.lower() == "bearer" else ""
        token = self.settings.api_token.get_secret_value() if self.settings.api_token else ""
        if given and token and hmac.compare_digest(given.encode(), token.encode()):
            return Caller(self.local(), True, "token")  # the server's token: an admin, its work kept as local's
        account = self.stores.api_keys.user_for_key(given) if given else None
        if account is not None:
            return Caller(account, account.is_admin, "key")
        if self.required():
            return None
        return Caller(self.local(), False, "open")

    async def caller(self, request) -> Caller:
        caller = await anyio.to_thread.run_sync(self.api_caller, request.headers.get("authorization", ""))
        if caller is None:
            raise APIError(401, "no_key", headers={"WWW-Authenticate": "Bearer"})
        return caller

    async def admin(self, request) -> Caller:
        """An admin caller, for the routes that change the knowledge base or read everyone's feedback."""
        caller = await self.caller(request)
        if caller.admin:
            return caller
        if await anyio.to_thread.run_sync(self.required):
            raise APIError(403, "admin_only")
        if self.settings.api_token is None or not self.settings.api_token.get_secret_value():
            raise APIError(403, "no_token")  # sign-in off: only the server's token is an admin
        raise APIError(401, "bad_token", headers={"WWW-Authenticate": "Bearer"})


class SignInGate:
    """ASGI middleware: a page request (GET, HTML wanted) without a session, while sign-in is on, is
    sent to /login. Everything else passes: Gradio's own routes refuse themselves (401)."""

    def __init__(self, app, auth: WebAuth):
        self.app = app
        self.auth = auth

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and self._is_page(scope):
            connection = HTTPConnection(scope)
            account = await anyio.to_thread.run_sync(self.auth.browser_account, connection.cookies)
            if account is None:
                await RedirectResponse("/login", status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _is_page(scope) -> bool:
        path = scope.get("path", "")
        if any(path == p or path.startswith(p + "/") for p in OPEN_PREFIXES):
            return False
        accept = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept"), "")
        return "text/html" in accept
