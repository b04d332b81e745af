"""Translate must-mention points with the local generator, so that a point written in English can
be matched by its terms in a Chinese answer and the other way round. Deterministic (the generator
runs at temperature 0) and cached on disk, so a point is translated once."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from ingest.language import detect_language
from prompts import load_prompt

MAX_TOKENS = 48


class PointTranslator:
    def __init__(self, generator, cache_file: Path | None = None):
        self.generator = generator
        self.cache_file = cache_file
        self._lock = threading.Lock()
        self.cache: dict[str, str] = {}
        if cache_file and cache_file.is_file():
            try:
                self.cache = json.loads(cache_file.read_text(encoding="utf-8"))
            except ValueError:
                self.cache = {}

    def other_language(self, text: str) -> str:
        """``text`` in the other language (Chinese <-> English)."""
        target = "en" if detect_language(text) == "zh" else "zh"
        key = f"{target}\t{text}"
        with self._lock:
            if key in self.cache:
                return self.cache[key]
        prompt = load_prompt("translate", target).text.format(text=text)
        out = "".join(self.generator.stream([{"role": "user", "content": prompt}], MAX_TOKENS)).strip()
        translation = out.splitlines()[0].strip().strip("\"“”'") if out else ""
        with self._lock:
            self.cache[key] = translation
            if self.cache_file:
                self.cache_file.parent.mkdir(parents=True, exist_ok=True)
                self.cache_file.write_text(json.dumps(self.cache, ensure_ascii=False, indent=1), encoding="utf-8")
        return translation
