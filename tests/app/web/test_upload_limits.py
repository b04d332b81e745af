"""The API's upload limits come from the settings: ``max_upload_files`` caps the files of one
upload, refused as a whole before anything is ingested. No model is loaded: the route runs over a
stand-in for the services."""

from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.document_access import DocumentAccess
from app.settings import Settings
from app.storage.stores import Stores
from app.web.api import router
from app.web.auth import WebAuth
from app.web.errors import install_error_handlers

AUTH = {"Authorization": "Bearer s3cret"}


class CountingServices:
    def __init__(self, settings):
        self.settings = settings
        self.ingested = []

    def ingest(self, paths, source_names=None):
        self.ingested += list(paths)
        return [SimpleNamespace(path=p, status="added", doc_id=f"d{i}", chunks=1, reason="", warnings=[],
                                line=lambda: "added") for i, p in enumerate(paths)]


@pytest.fixture
def upload_client(tmp_path):
    def make(max_files: int):
        settings = Settings(data_dir=tmp_path, api_token="s3cret", max_upload_files=max_files)
        app = FastAPI()
        services = CountingServices(settings)
        stores = Stores.open(settings)
        app.state.web = SimpleNamespace(services=services, auth=WebAuth(stores, settings),
                                        documents=DocumentAccess(services, stores))
        install_error_handlers(app)
        app.include_router(router)
        return TestClient(app), services
    return make


def files(n: int) -> list:
    return [("file", (f"doc{i}.md", f"# 文档{i}\n\n内容{i}。\n".encode())) for i in range(n)]


@pytest.mark.parametrize("limit", [2, 25])
def test_the_upload_file_limit_is_the_setting(upload_client, limit):
    client, services = upload_client(limit)
    over = client.post("/v1/documents", files=files(limit + 1), headers=AUTH)
    assert over.status_code == 400 and over.json()["error"]["code"] == "bad_form"
    assert f"at most {limit} files (max_upload_files)" in over.json()["error"]["message"]
    assert services.ingested == []  # refused as a whole
    ok = client.post("/v1/documents", files=files(limit), headers=AUTH)
    assert ok.status_code == 200, ok.text
    assert len(services.ingested) == limit
