"""Nothing leaves the machine: ``advisor ingest``, ``advisor ask`` (the real generator) and the
web app's start run with an audit hook (netguard/sitecustomize.py) that records every attempt to
reach a non-loopback address; any record fails the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, free_port
from tests.ingest.ocr_inputs import known_page

NETGUARD = Path(__file__).parent / "netguard"


def guarded_env(tmp_path: Path, log: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("ANONYMIZED_TELEMETRY", "GRADIO_ANALYTICS_ENABLED",
                                                             "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(NETGUARD), env.get("PYTHONPATH", "")])),
               ADVISOR_NETGUARD_LOG=str(log), ADVISOR_DATA_DIR=str(tmp_path / "data"))
    return env


def attempts(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def run(env, *args, timeout=600):
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_the_guard_records_an_outbound_attempt(tmp_path):
    log = tmp_path / "net.log"
    done = run(guarded_env(tmp_path, log), "-c", "import socket\n"
               "try: socket.create_connection(('203.0.113.9', 443), timeout=0.01)\nexcept OSError: pass\n"
               "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
               "socket.create_connection(s.getsockname()).close()")
    assert done.returncode == 0, done.stderr
    assert [(a["event"], a["target"]) for a in attempts(log)] == [
        ("socket.getaddrinfo", "'203.0.113.9'"), ("socket.connect", "('203.0.113.9', 443)")]  # loopback: none


def test_ingest_and_the_web_app_start_make_no_outbound_connection(tmp_path):
    log = tmp_path / "net.log"
    env = guarded_env(tmp_path, log)
    notice, _ = known_page(chars=150)  # a photo of a notice: the OCR models load from their wheel
    notice.save(tmp_path / "notice.png")
    ingest = run(env, "-m", "app.cli.main", "ingest", "--quiet", str(DATA / "policy_sample.zh.md"), str(tmp_path / "notice.png"))
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert "added     notice.png" in ingest.stdout
    # the Gradio app built and launched (no generator: it loads at the first question), its page fetched
    port = free_port()
    app = run(env, "-c", "import sitecustomize\nassert 'netguard' in sitecustomize.__file__  # the guard is on\n"
              "import httpx\nfrom app.services import Services\nfrom app.web.ui.chat import build_app\n"
              f"demo = build_app(Services())\ndemo.launch(server_port={port}, prevent_thread_lock=True)\n"
              f"assert httpx.get('http://127.0.0.1:{port}/', timeout=30).status_code == 200\ndemo.close()\n"
              "import chromadb, os\n"
              "assert os.environ['ANONYMIZED_TELEMETRY'] == 'False' == os.environ['GRADIO_ANALYTICS_ENABLED']\n"
              "assert Services().store.client.get_settings().anonymized_telemetry is False\n")
    assert app.returncode == 0, app.stdout[-2000:] + app.stderr[-2000:]
    found = attempts(log)
    assert found == [], "\n".join(f"{a['event']} {a['target']}\n{''.join(a['stack'])}" for a in found)


@pytest.mark.slow
def test_ask_with_the_real_generator_makes_no_outbound_connection(tmp_path):
    log = tmp_path / "net.log"
    env = dict(guarded_env(tmp_path, log), ADVISOR_MAX_NEW_TOKENS="48")
    assert run(env, "-m", "app.cli.main", "ingest", "--quiet", str(DATA / "policy_sample.zh.md")).returncode == 0
    asked = run(env, "-m", "app.cli.main", "ask", "--json", "企业应优先对哪些设备加装数据采集模块？")
    assert asked.returncode == 0, asked.stdout[-2000:] + asked.stderr[-2000:]
    assert json.loads(asked.stdout)["contexts"], "the question should reach the generator with sources"
    found = attempts(log)
    assert found == [], "\n".join(f"{a['event']} {a['target']}\n{''.join(a['stack'])}" for a in found)
