"""The web app with accounts, over the fakes of tests/fakes.py (the real Advisor, no model): built in
the test process, its database in a temporary folder (or on PostgreSQL), passwords hashed at a
small Argon2 cost and the sign-in clock in the test's hands."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.settings import Settings
from tests.fakes import make_advisor

QUICK_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
ORIGIN = "http://testserver"  # what TestClient sends as Host
ROWS = [("实施指南", "路径", "企业应先开展数字化诊断评估，摸清设备联网和数据采集的现状。"),
        ("评测指标", "等级", "中小企业数字化水平评测指标分为四个等级，一级最低、四级最高。")]
REPLY = "企业应先做诊断评估，摸清现状[{d1}]。"
QUESTION = "中小企业数字化转型应该先做什么？"
FOLLOW_UP = "那评测分几个等级？"
PASSWORDS = {"alice": "alice-secret-pass", "bob": "bob-secret-pass", "root": "root-secret-pass",
             "carol": "carol-secret-pass"}
ROLES = {"alice": "member", "bob": "member", "root": "admin", "carol": "consultant"}


class Clock:
    def __init__(self):
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@dataclass
class WebApp:
    app: object
    services: object
    generator: object
    retriever: object
    clock: Clock

    @property
    def stores(self):
        return self.services.stores

    def add_users(self, *names: str) -> dict:
        return {n: self.stores.accounts.add(n, PASSWORDS[n], ROLES[n]) for n in names}

    def key(self, name: str) -> str:
        return self.stores.api_keys.create(self.stores.accounts.get(name).id, "test").key


def make_web_app(data_dir, *, gradio: bool = False, **overrides) -> WebApp:
    from app.services import Services
    from app.web.server import build_api_app, build_web_app

    services = Services(Settings(data_dir=data_dir, rewrite_mode="rule", **overrides))
    advisor, generator, retriever = make_advisor(ROWS, REPLY)
    services.__dict__["advisor"] = advisor
    clock = Clock()
    accounts = services.stores.accounts
    accounts.hasher, accounts.clock, accounts._dummy_hash = QUICK_HASH, clock, None
    app = build_web_app(services, load_models=False) if gradio else build_api_app(services)
    app.state.web.loader.state = "ready"
    return WebApp(app, services, generator, retriever, clock)


def csrf_of(page_html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page_html).group(1)


def sign_in(client, name: str, password: str, origin: str | None = ORIGIN, **data):
    """The sign-in form, fetched then posted as a browser of this site does; the POST's response."""
    page = client.get("/login")
    form = {"user": name, "password": password, "csrf": csrf_of(page.text), **data}
    headers = {"origin": origin} if origin else {}
    return client.post("/login", data=form, headers=headers, follow_redirects=False)


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def message_of(page_html: str) -> str:
    found = re.search(r'<p class="message"[^>]*>([^<]*)</p>', page_html)
    return found.group(1) if found else ""
