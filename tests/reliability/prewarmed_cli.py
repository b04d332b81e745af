"""``advisor`` commands in forked children of one process that has already imported everything and
loaded the embedding model: the crash test kills ingest dozens of times, and a fresh interpreter
per run would spend most of its time importing torch and loading the model.

Run as ``python -m tests.reliability.prewarmed_cli``; it reads one JSON request per line on stdin,
{"commands": [[argv…], …], "env": {…}, "outdir": "…", "kill_after_s": null | seconds}, forks a
child that runs the commands one after another through ``app.cli.main`` (command i writes
``outdir/i.out`` and ``outdir/i.rc``), SIGKILLs it after ``kill_after_s`` if it is still running,
and answers {"exit": status | null, "signal": number | null, "hung": bool, "seconds": …}. A child
still running after HUNG_AFTER_S is killed and reported hung, its stacks in ``outdir/hung.txt``."""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys
import time

HUNG_AFTER_S = float(os.environ.get("PREWARMED_HUNG_AFTER_S", "600"))  # one run takes seconds, ~10x on slow CI


def _own_tqdm_lock() -> None:
    """A tqdm lock of this child's own. tqdm's write lock holds a multiprocessing RLock, a semaphore
    in memory shared across fork: a child SIGKILLed inside ``tqdm.write`` leaves it taken, and every
    later child waits on it for ever (a CI run hung so)."""
    from tqdm import tqdm
    from tqdm.std import TqdmDefaultWriteLock

    TqdmDefaultWriteLock.mp_lock = None  # threads only: nothing is shared with the other children
    tqdm.set_lock(TqdmDefaultWriteLock())


def _child(request: dict, embedder) -> None:
    os.environ.update(request.get("env", {}))
    _own_tqdm_lock()
    from app.cli import main as cli
    from app.services import Services
    from app.settings import Settings

    def services(args):
        built = Services(Settings())
        built.__dict__["embedder"] = embedder  # the model this process loaded before forking
        return built

    cli._services = services
    code = 0
    for i, argv in enumerate(request["commands"]):
        out = os.path.join(request["outdir"], f"{i}.out")
        with open(out, "w") as f:
            os.dup2(f.fileno(), 1)
            os.dup2(f.fileno(), 2)
            try:
                code = cli.main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
            except BaseException:  # noqa: BLE001 — a traceback is a finding: keep it in the output
                import traceback

                traceback.print_exc()
                code = 99
            sys.stdout.flush()
            sys.stderr.flush()
        with open(os.path.join(request["outdir"], f"{i}.rc"), "w") as f:
            f.write(str(code))
    os._exit(code)


def _wait(pid: int, kill_after_s: float | None) -> tuple[int | None, int | None, bool]:
    """(exit status, signal, hung): a child still running after HUNG_AFTER_S is stuck; its Python
    stacks go to ``hung.txt`` in the request's outdir before it is killed."""
    started = time.monotonic()
    deadline = None if kill_after_s is None else started + kill_after_s
    hung = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        hung = time.monotonic() - started > HUNG_AFTER_S
        if hung or (deadline is not None and time.monotonic() >= deadline):
            if hung:
                os.kill(pid, signal.SIGUSR1)  # faulthandler in the child dumps its stacks
                time.sleep(1)
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            break
        time.sleep(0.005)
    if os.WIFSIGNALED(status):
        return None, os.WTERMSIG(status), hung
    return os.WEXITSTATUS(status), None, hung


def main() -> None:
    import app  # noqa: F401  (telemetry off before anything else is imported)
    import chromadb  # noqa: F401
    import jieba

    import app.cli.main  # noqa: F401
    import app.services  # noqa: F401
    from app.services import build_embedder
    from app.settings import Settings

    import torch

    jieba.initialize()
    # One thread: no OpenMP pool exists to be lost across fork, so the model can be warmed here
    # (its first run costs seconds) and every child starts warm. PyTorch, not ONNX Runtime: a session
    # is not meant to be used across fork (its thread pool's threads stay in the parent). The caller
    # sets ADVISOR_EMBEDDING_BACKEND=torch, so the children record the backend that embedded the index.
    torch.set_num_threads(1)
    settings = Settings()
    if settings.embedding_backend != "torch":
        raise SystemExit("prewarmed_cli needs ADVISOR_EMBEDDING_BACKEND=torch (no ONNX Runtime session across fork)")
    embedder = build_embedder(settings)
    embedder.embed_passages(["warm-up 预热"])
    answer = sys.stdout
    print(json.dumps({"ready": True}), file=answer, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        os.makedirs(request["outdir"], exist_ok=True)
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                stacks = open(os.path.join(request["outdir"], "hung.txt"), "w")
                faulthandler.register(signal.SIGUSR1, file=stacks, all_threads=True)
                _child(request, embedder)
            finally:
                os._exit(98)  # never return into the parent's loop
        exit_status, signal_number, hung = _wait(pid, request.get("kill_after_s"))
        print(json.dumps({"exit": exit_status, "signal": signal_number, "hung": hung,
                          "seconds": round(time.monotonic() - started, 3)}), file=answer, flush=True)


if __name__ == "__main__":
    main()
