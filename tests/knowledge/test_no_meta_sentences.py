"""The starter knowledge base speaks about the policies, never about itself: retrieval quotes any
body sentence to the model and on source cards, and "本资料仅作摘要，以原文为准" or "This summary
covers 4 of the 16 scenarios" read there as if the policy said them. Provenance and disclaimers
live in the front matter (``about``); a gap is stated as a fact about the policy, not as a gap in
"the material"; the reader and the model get no instructions from a body."""

import re

import pytest

from tests.knowledge.test_front_matter import FILES, front_matter

# What a sentence about the document itself looks like, by kind (most of these were in the starter
# files before they were rewritten). Advice to an owner on whom to ask ("向当地主管部门咨询") is
# content and stays; "the sources do not give X" states a gap in the public record and stays.
META = {
    "zh": {
        "speaks of itself": r"本资料|(?<![基根样版剧脚账])本文(?!化)|本摘要|本术语表|本页|本篇|本节|(?:这里|此处)?不(?:提供|列出)。|此处",
        "points to another part or file": r"上文|下文|文末|下一节|以下几节|下面各节|详见|见[^。；，\n]{0,30}(?:摘要|场景资料|一文)",
        "a gap label instead of a fact": r"资料缺口",
        "a disclaimer": r"仅作摘要|整理的摘要|摘要编写|(?:原文|文本|正式文件|官方文件)为准",
        "an instruction to the reader": r"请(?:直接)?查阅|请参阅|请核对|请注明|请以|请同时说明|请勿|引用(?:时|前)请?(?:注明|核对|说明)|"
                                        r"不能(?:凭)?推测|依据推测|引用[^。；，]{0,8}时请",
    },
    "en": {
        "speaks of itself": r"\bthis (?:summary|document|text|page|file|glossary|digest)\b|\bthese notes\b|"
                            r"\bsummary covers\b|\bthe material's own\b|\bnames shown\b|\bthe (?:Chinese|English) (?:summary|version)\b|"
                            r"\b(?:given|listed|shown) here\b|\bso none is given\b",
        "points to another part or file": r"\b(?:in|see) (?:the |its |their )?(?:four )?(?:\w+ )?summar(?:y|ies)\b|\bthe (?:next|following) sections?\b|"
                                          r"\bscenario summaries\b|\bof the same series\b|\bsee (?:above|below)\b|"
                                          r"\bthe sections? below\b|\"[^\"]+\" below\)|\b(?:in|see) the section on\b",
        "a gap label instead of a fact": r"\bgaps? in the sources\b|\*\*gaps?:\*\*",
        "a disclaimer": r"\bprevails?\b",
        "an instruction to the reader": r"\balways name\b|\bconsult (?:the|MIIT|its)\b|\bcheck the official texts?\b|"
                                        r"\bbefore relying\b|\bwhen quoting\b|\bcite (?:the|its) source\b|"
                                        r"\bcheck (?:the|its) (?:questions|notice|document number|latest)\b|\bfollow the (?:result|official|questions)\b|"
                                        r"\brely on (?:\w+'s |the )?official texts?\b|\bsay where they come from\b|\bwhen you (?:quote|use)\b|"
                                        r"\bguess(?:ed|es)?\b|\bmust not be quoted\b|\bshould not be cited\b|\bsee the (?:\w+'s )?official text\b|"
                                        r"\bthe related summary\b|\bread the (?:official|full|Guide|pilot|documents)\b|\bwhen citing\b|\buse the official text\b",
    },
}
PATTERNS = {lang: [(kind, re.compile(p, re.I)) for kind, p in kinds.items()] for lang, kinds in META.items()}


def meta_sentences(path) -> list[str]:
    """'file:line: kind: …text…' for every body line that speaks about the document itself."""
    meta, body = front_matter(path)
    offset = path.read_text(encoding="utf-8")[: -len(body) or None].count("\n") if body else 0
    found = []
    for i, line in enumerate(body.splitlines(), start=offset + 1):
        for kind, pattern in PATTERNS[meta["lang"]]:
            if m := pattern.search(line):
                found.append(f"{path.name}:{i}: {kind}: …{line[max(0, m.start() - 30):m.end() + 30]}…")
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_body_does_not_speak_about_itself(path):
    found = meta_sentences(path)
    assert not found, "\n".join(found)


def test_the_patterns_catch_what_they_are_for(tmp_path):
    samples = {
        "zh": ["## 关于本资料", "本资料根据公开报道整理，仅作摘要，具体数据以通知原文为准。",
               "- **资料缺口**：评测指标没有公布总体等级的合成规则。", "详见该指南的摘要。", "请查阅工业和信息化部发布的原文。",
               "以上数字只来自一份第三方摘要，引用时请注明出处。"],
        "en": ["## About this summary", "This summary covers 4 of the 16 business scenarios.",
               "Always name the source and date with any figure.", "(see the summary of the city pilots)",
               "The official text prevails.", "- **Gaps in the sources:** no rule is published."],
    }
    for lang, lines in samples.items():
        for n, line in enumerate(lines):
            path = tmp_path / f"t{n}.{lang}.md"
            path.write_text(f"---\nlang: {lang}\n---\n\n{line}\n", encoding="utf-8")
            assert meta_sentences(path), line
    clean = tmp_path / "clean.zh.md"
    clean.write_text("---\nlang: zh\n---\n\n《中小企业数字化水平评测指标》没有公布总体等级的合成规则。\n", encoding="utf-8")
    assert meta_sentences(clean) == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_provenance_is_in_the_front_matter_in_the_file_s_language(path):
    """``about`` (shown on the source card, never embedded or quoted) says where the text comes
    from and which texts prevail."""
    meta, _ = front_matter(path)
    about = meta.get("about")
    assert isinstance(about, str) and len(about) >= 20, f"{path.name}: no `about` in the front matter"
    han, latin = len(re.findall(r"[\u4e00-\u9fff]", about)), len(re.findall(r"[A-Za-z]", about))
    assert (han > latin) is (meta["lang"] == "zh"), f"{path.name}: `about` is not in the file's language"


def test_about_reaches_chunk_metadata_but_not_the_text():
    from ingest.loaders.markdown_loader import load

    path = FILES[0]
    meta, _ = front_matter(path)
    [doc] = load(path)
    assert doc.metadata["about"] == meta["about"]
    assert meta["about"] not in doc.page_content
