"""Which documents a question is about. The documents in the index as a user knows them (id, title,
file name, language, when added, whether the user added it or it is a starter document); names and
ids resolved to them (``advisor ask --doc``, the API's ``documents``, the chat's picker); and the
document a question names itself: "这份报告", "the report I uploaded" (the newest user document),
"《…》" or a file name (that document when exactly one matches, else the answer asks which); and a
user's document a question describes by its title's words, in either language ("the 2025 national
SME digital transformation survey report" for "2025.04.全国中小企业数字化转型调研报告")."""

from __future__ import annotations

import copy
import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol

from ingest.text import content_words, tokenize
from prompts import load_table
from retrieval.vector_store import DocumentSummary

# A chunk's ``origin``: the starter knowledge base, a shared document a user (an admin, ``advisor
# ingest``) added, or a user's own upload that only those granted it may read (app.answer.readers).
STARTER_ORIGIN, USER_ORIGIN, PRIVATE_ORIGIN = "starter", "user", "private"
USERS_ORIGINS = (USER_ORIGIN, PRIVATE_ORIGIN)
CLOSE_MATCHES = 5  # candidates an "unknown document" message lists
CLOSE_CUTOFF = 0.4  # difflib ratio for a candidate to count as close
CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
MIN_PART_CHARS = 4  # a part of a title must be this long (normalised) to name the document

# A question pointing at "this report" or "the document I uploaded": the newest user document.
# Policy words (指南, 政策, 通知, 方案, 标准) are left out: there they name a starter document.
THIS_DOCUMENT = re.compile(
    r"(?:这|那|该|此)一?(?:份|个|篇|本|部)?(?:调研|研究|分析|行业|年度|评估|测评|市场|咨询)?"
    r"(?:报告|文档|文件|资料|材料|说明书|白皮书|PDF|pdf)|本(?:调研|研究)?报告|"
    r"我们?(?:刚才?|刚刚|之前|前面|今天)?(?:上传|添加|导入|加入|传上来|提供)了?的|"
    r"\b(?:this|that)\s+(?:(?:survey|research|uploaded|new)\s+)?"
    r"(?:report|document|file|pdf|paper|study|survey|prospectus|white\s?paper)\b|"
    r"\b(?:the|my|our)\s+(?:[\w-]+\s+){0,2}?(?:report|document|file|pdf|paper|study|survey|standard|prospectus)\s+"
    r"(?:that\s+)?(?:I|we)(?:'ve|\s+have|\s+just)?\s+(?:uploaded|added|ingested|imported|attached|shared|provided)\b|"
    r"\b(?:the|my|our)\s+uploaded\s+(?:[\w-]+\s+)?(?:report|document|file|pdf|paper|study|survey|standard)\b",
    re.I)
TITLE = re.compile(r"《([^》]{2,60})》")
# A question speaking of a document by its subject says what kind of document it is ("survey report",
# "研报"): without one, title words in a question ("中小企业数字化转型") are its subject, not a
# document's name. The kind, in either language, is part of the description: it tells the user's
# survey report from a starter guide on the same subject.
DOCUMENT_KINDS: dict[str, re.Pattern] = {kind: re.compile(pattern, re.I) for kind, pattern in {
    "survey": r"调研|调查|\bsurveys?\b",
    "report": r"报告|\breports?\b",
    "broker note": r"(?<!调)研报|点评|\b(?:broker|research)\s+notes?\b|\bnotes?\b",
    "plan": r"方案|计划|规划|\bplans?\b",
    "prospectus": r"说明书|\bprospectus",
    "white paper": r"白皮书|\bwhite\s?papers?\b",
    "minutes": r"纪要|\bminutes\b",
    "guide": r"指南|指引|\bguide(?:lines?|s)?\b",
    "document": r"文档|文件|\b(?:document|file|paper|study)s?\b",
}.items()}
# Kinds any document may be called by ("the report", "这份文件"): they tell no document from another.
GENERIC_KINDS = frozenset({"kind:report", "kind:document"})
# Words of a title that only say what kind of document it is (counted as its kind) or whose it is.
GENERIC_TITLE_WORDS = frozenset({"公司", "资料"})
# a file name's suffix, also right before Chinese ("报告.pdf里说…", where \b finds no boundary)
FILE_SUFFIX = re.compile(r"\.(?:pdf|docx|md|markdown|txt|html?|png|jpe?g|tiff?|webp)(?![A-Za-z0-9])", re.I)


def from_user(metadata: dict) -> bool:
    """A chunk's metadata says a user added its document (its title names that document, where a
    starter document's title names its topic)."""
    return metadata.get("origin") in USERS_ORIGINS


class DocumentStore(Protocol):
    def documents(self) -> list[DocumentSummary]: ...

    def version(self) -> str: ...


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    file_name: str
    lang: str
    added: str  # when it was ingested (ISO 8601, UTC)
    user: bool  # the user added it (an upload, ``advisor ingest``), not the starter knowledge base
    chunks: int = 0
    source: str = ""
    private: bool = False  # a user's own upload: only those granted it may read it (app.answer.readers)

    @property
    def label(self) -> str:
        """Title and file name, for lists people choose from."""
        return f"{self.title} ({self.file_name})" if self.file_name and self.file_name != self.title else self.title

    def ref(self) -> dict:
        """As the answer's JSON names it."""
        return {"doc_id": self.doc_id, "title": self.title}

    def to_json(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "file_name": self.file_name, "lang": self.lang,
                "added": self.added, "user": self.user, "private": self.private, "chunks": self.chunks}


class DocumentError(ValueError):
    """A name given for a document matches none (``kind`` "unknown": ``documents`` are the close
    ones) or several (``kind`` "ambiguous": ``documents`` are those)."""

    def __init__(self, kind: str, name: str, documents: Iterable[Document] = ()):
        self.kind, self.name, self.documents = kind, name, list(documents)
        super().__init__(self.describe("en"))

    def describe(self, lang: str) -> str:
        table = load_table("documents", lang)
        listed = table["list_sep"].join(table["labelled"].format(title=d.title, file_name=d.file_name)
                                        for d in self.documents)
        if self.kind == "ambiguous":
            return table["ambiguous"].format(name=self.name, n=len(self.documents), documents=listed)
        return table["unknown"].format(name=self.name) + (
            table["close"].format(documents=listed) if self.documents else table["see_list"])


@dataclass(frozen=True)
class Named:
    """The documents a question names: ``documents`` when each name matched one, ``choices`` when a
    name matched several (the answer asks which); ``name``: the question's words for them."""
    documents: tuple[Document, ...] = ()
    choices: tuple[Document, ...] = ()
    name: str = ""


def normalise(text: str) -> str:
    """Compared without case, width, spaces or punctuation: "2025.04.全国…报告" ~ "202504全国…报告"."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def title_matches(name: str, doc: Document) -> bool:
    """``name`` (a 《title》 of the question) is the document's title or file stem, or a part of
    either, or holds its whole title."""
    n, title, stem = normalise(name), normalise(doc.title), normalise(Path(doc.file_name).stem)
    if not n:
        return False
    if n in (title, stem):
        return True
    if len(n) >= MIN_PART_CHARS and (n in title or n in stem):
        return True
    return len(title) >= MIN_PART_CHARS and title in n


class Library:
    """The index's documents, read once per version of the index (one small read a question). A
    view made by ``visible_to`` shows, names and resolves only the documents one reader may read;
    it shares the read with the library it came from."""

    def __init__(self, store: DocumentStore, knowledge_dir: Path | None = None):
        self.store = store
        self.knowledge_dir = knowledge_dir.resolve() if knowledge_dir else None
        self.readable: Callable[[Document], bool] | None = None  # None: every document
        self._cache: list[tuple[str, list[Document]] | None] = [None]  # shared with the views

    def visible_to(self, readable: Callable[[Document], bool]) -> "Library":
        """This library as one reader sees it: ``documents``, ``find``, ``resolve`` and ``named_in``
        know only the documents ``readable`` lets through."""
        view = copy.copy(self)
        view.readable = readable
        return view

    def is_user(self, summary: DocumentSummary) -> bool:
        """Its chunks say where it came from; a document stored before that was recorded is the
        user's unless its file lies in the starter folder."""
        if summary.origin:
            return summary.origin in USERS_ORIGINS
        if summary.source.startswith("upload://"):
            return True
        return self.knowledge_dir is not None and not Path(summary.source).is_relative_to(self.knowledge_dir)

    def every_document(self) -> list[Document]:
        """Every document of the index, whoever may read it: the user-added ones newest first, then
        the starter ones by file name."""
        version = self.store.version()
        cached = self._cache[0]
        if cached is not None and cached[0] == version:
            return cached[1]
        docs = [Document(s.doc_id, s.title or s.file_name, s.file_name, s.lang, s.ingested_at, self.is_user(s),
                         s.chunks, s.source, s.origin == PRIVATE_ORIGIN) for s in self.store.documents()]
        user = sorted((d for d in docs if d.user), key=lambda d: d.added, reverse=True)
        starter = sorted((d for d in docs if not d.user), key=lambda d: (d.file_name, d.doc_id))
        docs = user + starter
        self._cache[0] = (version, docs)
        return docs

    def documents(self) -> list[Document]:
        """The user's documents, newest first, then the starter ones by file name: those this
        library's reader may read (every one when it has none)."""
        docs = self.every_document()
        return docs if self.readable is None else [d for d in docs if self.readable(d)]

    # --- names and ids given by the user ------------------------------------------------------------
    def find(self, name: str) -> Document:
        """The document ``name`` means: its id (or its first 6+ characters), its file name, its title,
        or a part of its title or file name that no other document shares. ``DocumentError`` when
        none matches (with the close ones) or several do (naming them)."""
        key = name.strip()
        docs = self.documents()
        n = normalise(key)
        stages = (
            lambda d: d.doc_id == key or (len(key) >= 6 and d.doc_id.startswith(key)),
            lambda d: d.file_name.casefold() == key.casefold() or d.source == key,
            lambda d: bool(n) and normalise(d.title) == n,
            lambda d: len(n) >= 2 and (n in normalise(d.title) or n in normalise(d.file_name)),
        )
        for stage in stages:
            found = [d for d in docs if stage(d)]
            if len(found) == 1:
                return found[0]
            if found:
                raise DocumentError("ambiguous", key, found)
        raise DocumentError("unknown", key, self.close_to(key, docs))

    def resolve(self, names: Iterable[str]) -> list[Document]:
        """Each name's document, in order, each once."""
        found: dict[str, Document] = {}
        for name in names:
            doc = self.find(name)
            found.setdefault(doc.doc_id, doc)
        return list(found.values())

    @staticmethod
    def close_to(name: str, docs: list[Document]) -> list[Document]:
        keys: dict[str, Document] = {}
        for d in docs:
            for key in (normalise(d.title), normalise(d.file_name)):
                keys.setdefault(key, d)
        close = difflib.get_close_matches(normalise(name), list(keys), n=CLOSE_MATCHES * 2, cutoff=CLOSE_CUTOFF)
        return list({keys[k].doc_id: keys[k] for k in close}.values())[:CLOSE_MATCHES]

    # --- the document a question names --------------------------------------------------------------
    def named_in(self, question: str) -> Named:
        """The documents the question names: by 《title》 (the user's documents: in the starter
        summaries a title in 《》 names a policy several of them discuss), by file name (any
        document), else "this report" / "the document I uploaded" (the newest user document) when
        the question names no 《title》 (then "该文件" is that title, not an upload)."""
        titles = TITLE.findall(question)
        pointer = THIS_DOCUMENT.search(question)
        if not (titles or pointer or FILE_SUFFIX.search(question)):
            return Named()  # the usual question: the index's document list is not read
        docs = self.documents()
        user = [d for d in docs if d.user]
        named: dict[str, Document] = {}
        choices: dict[str, Document] = {}
        names: list[str] = []  # as the question names the documents found
        unclear: list[str] = []  # names that fit several
        for title in titles:
            found = [d for d in user if title_matches(title, d)]
            if len(found) == 1:
                named.setdefault(found[0].doc_id, found[0])
                names.append(f"《{title}》")
            elif found:
                choices.update((d.doc_id, d) for d in found)
                unclear.append(f"《{title}》")
        flat = question.casefold()
        for d in docs:
            if d.file_name and FILE_SUFFIX.search(d.file_name) and d.file_name.casefold() in flat:
                named.setdefault(d.doc_id, d)
                names.append(d.file_name)
        if choices:
            return Named(choices=tuple(choices.values()), name=" ".join(unclear))
        if named:
            return Named(documents=tuple(named.values()), name=" ".join(names))
        if pointer and user and not titles:  # the newest user document
            return Named(documents=(user[0],), name=pointer.group(0))
        return Named()


def document_kinds(text: str) -> set[str]:
    """The kinds of document ``text`` speaks of, as "kind:…" words."""
    return {f"kind:{kind}" for kind, pattern in DOCUMENT_KINDS.items() if pattern.search(text)}


def title_words(name: str) -> set[str]:
    """The words of a title or file name that tell it from others: no numbers (dates, codes); its
    kind of document as one word ("调研报告" → kind:survey, kind:report)."""
    words = {w for w in content_words(name) if not any(ch.isdigit() for ch in w) and w not in GENERIC_TITLE_WORDS
             and not any(p.search(w) for p in DOCUMENT_KINDS.values())}
    return words | document_kinds(name)


def title_names(docs: Iterable[Document]) -> list[str]:
    """The Chinese words of the user's documents' titles and file names ("盐城", "射阳", "高测"): the
    names an English question may write in pinyin (``ingest.text.romanised_in``)."""
    names: list[str] = []
    for doc in docs:
        if doc.user:
            for word in tokenize(f"{doc.title} {Path(doc.file_name).stem}", search=False):
                if CJK_WORD.match(word) and word not in names:
                    names.append(word)
    return names


def described_by(texts: Iterable[str], docs: Iterable[Document], least_share: float,
                 kind_only_share: float) -> Document | None:
    """The user's document that ``texts`` (a question and its translations) describe: they say what
    kind of document they mean ("report", "研报") and hold at least two and ``least_share`` of the
    words of its title or file name, one of them its own (not in a starter document's title; its
    kind alone, "survey", only with ``kind_only_share`` of the words), more than of any other
    document's (a starter document they describe as well is what they mean). A document of another
    kind than the one they name (a guide, when they ask about a survey) is not the one they mean.
    None when no document, or more than one, fits best."""
    texts = [t for t in texts if t]
    kinds = set().union(set(), *(document_kinds(t) for t in texts))
    if not kinds:
        return None
    docs = list(docs)
    have = kinds.union(*(content_words(t) for t in texts))
    # words of the starter documents' titles ("数字化", "转型", "中小企业") describe the subject
    # every document shares: at least one word matched must be the document's own
    common = set().union(set(), *(title_words(d.title) for d in docs if not d.user))
    asked_kinds = kinds - GENERIC_KINDS
    scored: list[tuple[float, Document]] = []
    for doc in docs:
        own_kinds = document_kinds(f"{doc.title} {doc.file_name}") - GENERIC_KINDS
        if asked_kinds and own_kinds and not own_kinds & asked_kinds:
            continue  # a survey asked about is not a guide on the same subject
        shares = []
        for words in map(title_words, (doc.title, Path(doc.file_name).stem)):
            hit = words & have
            share = len(hit) / len(words) if words else 0.0
            own = hit - common
            # a user's document: one word matched is its own, not only its kind unless most of it is matched
            if len(hit) >= 2 and (not doc.user or any(not w.startswith("kind:") for w in own)
                                  or (own and share >= kind_only_share)):
                shares.append(share)
        if shares:
            scored.append((max(shares), doc))
    scored.sort(key=lambda x: x[0], reverse=True)
    if not scored or scored[0][0] < least_share or not scored[0][1].user:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def scope_note(documents: Iterable[Document], lang: str) -> str:
    """The line an answer scoped to documents opens with: "（以下只根据《…》回答）"."""
    table = load_table("documents", lang)
    titles = table["list_sep"].join(table["title"].format(title=d.title) for d in documents)
    return table["scoped"].format(titles=titles)


def nothing_in(documents: Iterable[Document], lang: str) -> str:
    """What a refusal adds when the question was limited to documents and nothing in them answers:
    those documents, not the starter knowledge base, are what was searched (the scope note above it
    has named them: their titles are not said twice)."""
    table = load_table("documents", lang)
    documents = list(documents)
    return table["not_covered_one"] if len(documents) == 1 else table["not_covered_many"].format(n=len(documents))


def which_document(named: Named, lang: str) -> str:
    """What the answer says when a question's name fits several documents: which one?"""
    table = load_table("documents", lang)
    lines = [table["choice"].format(title=d.title, file_name=d.file_name, added=d.added[:10])
             for d in named.choices]
    return table["which"].format(n=len(named.choices), name=named.name) + "\n" + "\n".join(lines)
