"""The advisor core and the command line import neither the HTTP layer nor the evaluation code."""

import subprocess
import sys

from tests.conftest import REPO

CORE = ["app.cli.main", "app.services", "app.answer.advisor", "app.answer.conversation", "retrieval.hybrid", "ingest.pipeline"]


def test_the_core_imports_no_web_or_eval_module():
    code = (f"import sys\nfor m in {CORE!r}: __import__(m)\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('eval', 'gradio', 'fastapi', 'uvicorn')"
            " or m.startswith('app.web') or m == 'app.web.ui.chat')\nprint(','.join(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
