"""The starter knowledge base: every file's front matter is complete and valid, every source URL
comes from the fact sheet, and every Chinese file has its English pair."""

import re

import pytest
import yaml

from app.settings import REPO_ROOT
from tests.conftest import shared_path

KNOWLEDGE = REPO_ROOT / "knowledge"
FILES = sorted(KNOWLEDGE.glob("*.md"))
REQUIRED = {"title", "lang", "doc_type", "issuer", "date", "applies_to", "sources", "translation_of"}
DOC_TYPES = {"policy", "standard", "scenario", "programme", "statistics", "case", "framework", "glossary", "guide"}
KINDS = {"official_document", "official_interpretation", "news", "third_party"}
TIERS = {"leading", "large", "sme", "micro", "all"}
TAGS = {"OFF", "NEWS", "3P", "SEED", "UNVERIFIED"}
EXCLUDED = ("niuqiclub.com", "handmsg.com", "digipub.cc", "renrendoc.com", "boteman.cn")


def front_matter(path):
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    assert m, f"{path.name} has no front matter"
    return yaml.safe_load(m.group(1)), text[m.end():]


def test_there_are_both_languages_of_every_topic():
    assert len(FILES) >= 30
    topics = {p.name.rsplit(".", 2)[0] for p in FILES}
    for topic in topics:
        assert (KNOWLEDGE / f"{topic}.zh.md").exists() and (KNOWLEDGE / f"{topic}.en.md").exists(), topic


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_front_matter_fields_and_values(path):
    meta, body = front_matter(path)
    assert REQUIRED <= set(meta), REQUIRED - set(meta)
    assert meta["lang"] == path.name.split(".")[-2]
    assert meta["doc_type"] in DOC_TYPES
    assert isinstance(meta["applies_to"], list) and set(meta["applies_to"]) <= TIERS
    assert isinstance(meta["date"], str) and re.fullmatch(r"\d{4}(-\d{2}){0,2}", meta["date"])
    assert (KNOWLEDGE / meta["translation_of"]).exists()
    assert front_matter(KNOWLEDGE / meta["translation_of"])[0]["translation_of"] == path.name
    assert meta["sources"] and all(isinstance(s, dict) and s.get("reliability") in TAGS for s in meta["sources"])
    assert all(s.get("kind") in KINDS for s in meta["sources"]), "every source needs its kind (shown as a label)"
    assert re.search(r"^## ", body, re.M), "the body needs section headings"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_source_comes_from_the_fact_sheet(path):
    facts = shared_path("knowledge", "FACTS.md").read_text(encoding="utf-8")
    meta, body = front_matter(path)
    for source in meta["sources"]:
        assert str(source["url"]) in facts, f"{source['url']} is not in FACTS.md"
    if "doc_number" in meta:
        assert meta["doc_number"] in facts
    for host in EXCLUDED:
        assert host not in body and all(host not in str(s["url"]) for s in meta["sources"])


# The body is what owners read on a source card: a digest, attributed in plain words.
HYGIENE = {
    "an IP address": re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"),
    "a URL or host name": re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|cn|net|org|gov|edu)(?:\.cn)?\b", re.I),
    "talk about the project itself": re.compile(r"本项目|本知识库|种子|\bseed\b|this project|this knowledge base|"
                                                r"our translation|本项目的转述", re.I),
    "a reliability code": re.compile(r"\[(?:NEWS|3P|OFF|SEED|UNVERIFIED)\]|\b(?:NEWS|SEED|3P)\b"),
    "speculation": re.compile(r"很可能是|大概是\d|probably (?:from|in) \d{4}", re.I),
}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_bodies_read_like_a_digest(path):
    _, body = front_matter(path)
    for what, pattern in HYGIENE.items():
        m = pattern.search(body)
        assert m is None, f"{path.name}: {what} in the body: …{body[max(0, m.start() - 30):m.end() + 30]}…"
