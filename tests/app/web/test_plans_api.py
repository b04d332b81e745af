"""``POST /v1/plans`` over the fakes of tests/fakes.py (the real ``Advisor``, no model): the JSON of
``advisor plan --json``, the 422s that name the problem, the 400/503 every route gives, and the
same access as /v1/ask (no token)."""

import json
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.plan.service import draft_json, plan_request
from app.settings import Settings
from app.web.api import router
from app.web.context import ModelLoader, WebContext
from app.web.errors import install_error_handlers
from app.web.queue import AdmissionQueue
from tests.fakes import make_plan_advisor

PLAN = {"goal": "减少设备停机", "profile": {"tier": "sme", "industry": "注塑", "headcount": 80}, "lang": "zh"}


@pytest.fixture
def api(tmp_path):
    """The API routes over the fake advisor; ``api_token`` set, as a server managing documents has it."""
    advisor, generator, _ = make_plan_advisor()
    services = SimpleNamespace(settings=Settings(data_dir=tmp_path, api_token="s3cret"), advisor=advisor)
    loader = ModelLoader(services)
    loader.state = "ready"
    app = FastAPI()
    app.state.web = WebContext(services, AdmissionQueue(2), loader)
    install_error_handlers(app)
    app.include_router(router)
    with TestClient(app) as client:
        yield client, services, generator


def test_a_plan_is_the_json_of_advisor_plan(api):
    client, services, generator = api
    reply = client.post("/v1/plans", json=PLAN)
    assert reply.status_code == 200, reply.text
    request = plan_request(PLAN["goal"], PLAN["profile"], "zh", None, services.settings.knowledge_dir)
    assert reply.json() == json.loads(json.dumps(draft_json(make_plan_advisor()[0], request)))
    sections = reply.json()["sections"]
    assert [s["refused"] for s in sections] == [False] * 4 + [True] and reply.json()["sources"][1]["n"] == 2
    assert len(generator.prompts) == 4


def test_no_token_is_needed_as_for_ask(api):
    client, _, _ = api
    assert client.post("/v1/plans", json=PLAN).status_code == 200
    assert client.post("/v1/plans", json=PLAN, headers={"Authorization": "Bearer wrong"}).status_code == 200
    assert client.get("/v1/documents", headers={"Authorization": "Bearer wrong"}).status_code == 401  # for contrast


def test_a_self_check_in_the_body_informs_the_plan(api):
    client, _, generator = api
    from app.selfcheck.knowledge import load_questionnaire

    q = load_questionnaire(Settings().knowledge_dir, "zh")
    selfcheck = {"lang": "zh", "profile": {"tier": "micro"},
                 "items": {x.name: x.bands[0] for x in q.questions if x.bands},
                 "scenarios": {s.name: 1 if s.key == "设备管理" else 2 for s in q.scenarios}}
    reply = client.post("/v1/plans", json={"goal": "减少停机", "selfcheck": selfcheck})
    assert reply.status_code == 200, reply.text
    profile = reply.json()["profile"]
    assert profile["tier"] == "micro" and profile["digital_level"] == 2 and profile["priority_scenarios"][0] == "设备管理"
    assert "设备管理（一级→二级" in generator.prompts[0]


@pytest.mark.parametrize("body, code, words", [
    ({"profile": {"tier": "sme"}}, "bad_plan", "goal is required"),
    ({"goal": "  ", "profile": {"tier": "sme"}}, "bad_plan", "goal is required"),
    ({"goal": "减少停机"}, "bad_plan", "profile.tier is required"),
    ({"goal": "减少停机", "profile": {"tier": "huge"}}, "bad_plan",
     "profile.tier must be one of leading, large, sme, micro, not 'huge'"),
    ({"goal": "减少停机", "profile": {"tier": "sme", "headcount": "many"}}, "bad_plan",
     "profile.headcount must be a whole number of 0 or more, not 'many'"),
    ({"goal": "减少停机", "profile": {"tier": "sme", "digital_level": 9}}, "bad_plan",
     "profile.digital_level must be 0 (unknown) or 1-4, not 9"),
    ({"goal": "减少停机", "profile": {"tier": "sme", "size": "big"}}, "bad_plan", "unknown field profile.size"),
    ({"goal": "减少停机", "profile": "sme"}, "bad_plan", "profile must be an object"),
    ({"goal": "减少停机", "profile": {"tier": "sme"}, "lang": "fr"}, "bad_plan", "lang must be zh or en, not 'fr'"),
    ({"goal": "减少停机", "profile": {"tier": "sme"}, "question": "?"}, "bad_plan", "unknown field 'question'"),
    ({"goal": "减少停机", "profile": {"tier": "sme"}, "selfcheck": {"scenarios": {"火星探测": 1}}}, "bad_selfcheck",
     "`selfcheck`: "),
    ({"goal": "减少停机", "profile": {"tier": "sme"}, "selfcheck": ["设备管理"]}, "bad_selfcheck", "`selfcheck`: "),
])
def test_bad_input_is_422_with_the_reason(api, body, code, words):
    client, _, generator = api
    reply = client.post("/v1/plans", json=body)
    error = reply.json()["error"]
    assert reply.status_code == 422 and error["code"] == code and words in error["message"], reply.text
    assert error["type"] == "invalid_request_error" and generator.prompts == []


def test_every_problem_is_in_the_one_message(api):
    client, _, _ = api
    error = client.post("/v1/plans", json={"goal": "减少停机", "profile": {"tier": "huge", "headcount": -2}}).json()
    assert error["error"]["message"] == ("profile.tier must be one of leading, large, sme, micro, not 'huge'; "
                                         "profile.headcount must be a whole number of 0 or more, not -2")


def test_self_check_problems_are_named(api):
    client, _, _ = api
    reply = client.post("/v1/plans", json={"goal": "减少停机", "selfcheck": {"scenarios": {"火星探测": 1}}})
    assert "火星探测" in reply.json()["error"]["message"]


def test_what_every_route_refuses_is_refused_here_too(api):
    client, services, _ = api
    bad_json = client.post("/v1/plans", content=b"{not json", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "bad_json"
    assert client.get("/v1/plans").status_code == 405
    services.advisor = None  # never reached: the models are still loading
    client.app.state.web.loader.state = "loading"
    loading = client.post("/v1/plans", json=PLAN)
    assert loading.status_code == 503 and loading.headers["Retry-After"] and loading.json()["error"]["code"] == "loading"
