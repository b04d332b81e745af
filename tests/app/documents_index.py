"""A small real index for the document-scope tests, without a model: ``Services`` over their own data
dir (Chroma and the lexical index as the product builds them), the fake embedder and a scripted
generator; two starter documents (the starter folder) and two user reports added after them, the
second the newest. Both reports answer the same question with different figures."""

from __future__ import annotations

import time
from pathlib import Path

from app.settings import Settings
from tests.fakes import FakeEmbedder, ScriptedGenerator

STARTER = {
    "guide.zh.md": "---\ntitle: 制造业企业数字化转型实施指南\nlang: zh\ndoc_type: policy\napplies_to: [all]\n---\n"
                   "# 制造业企业数字化转型实施指南\n\n## 路径\n\n企业应先开展数字化转型诊断评估，摸清设备联网和数据采集的现状。\n",
    "guide.en.md": "---\ntitle: Implementation Guidelines for Digital Transformation (制造业企业数字化转型实施指南)\nlang: en\n"
                   "doc_type: policy\napplies_to: [all]\n---\n# Guidelines\n\n## Path\n\n"
                   "Enterprises should first assess their digital level and take stock of connected equipment.\n",
}
# name -> text; ingested in this order (the last is the newest user document)
REPORTS = {
    "甲市中小企业数字化转型调研报告.txt": "甲市中小企业数字化转型调研报告\n\n"
        "调研显示，2025年甲市中小企业数字化转型市场规模将达到1万亿元。\n\n甲市企业数字化转型最大的痛点是缺少资金。\n",
    "乙省中小企业数字化转型调研报告.txt": "乙省中小企业数字化转型调研报告\n\n"
        "调研显示，2025年乙省中小企业数字化转型市场规模将达到3000亿元。\n\n乙省企业数字化转型最大的痛点是缺少人才。\n",
}
OLDER, NEWER = (Path(name).stem for name in REPORTS)
QUESTION = "调研报告说2025年中小企业数字化转型市场规模将达到多少？"
LEAD = "调研给出了2025年的市场规模。"


def document_services(root: Path, reply: str = LEAD, **overrides):
    """Services over a fresh index of the starter documents and the two reports (the fakes in place
    of the models); ``services.generator`` is the ``ScriptedGenerator``."""
    from app.services import Services

    knowledge = root / "knowledge"
    knowledge.mkdir(parents=True)
    for name, text in STARTER.items():
        (knowledge / name).write_text(text, encoding="utf-8")
    settings = Settings(data_dir=root / "data", knowledge_dir=knowledge, floor_zh=0.5, floor_en=0.5,
                        rewrite_mode="rule", **overrides)
    services = Services(settings)
    services.__dict__["embedder"] = FakeEmbedder()
    services.__dict__["generator"] = ScriptedGenerator(reply)
    assert all(r.status == "added" for r in services.ensure_starter_knowledge())
    uploads = root / "reports"
    uploads.mkdir()
    for name, text in REPORTS.items():
        (uploads / name).write_text(text, encoding="utf-8")
        assert [r.status for r in services.ingest([uploads / name])] == ["added"]
        time.sleep(0.01)  # distinct times added
    return services


def doc_id(services, title: str) -> str:
    return next(d.doc_id for d in services.library.documents() if d.title == title)
