"""Questions limited to documents (``app.answer.documents``): names and ids resolved to documents
(id, file name, title, a unique part; none or several: a clear error), the document a question names
("这份报告" → the newest user document, "《…》", a file name; several: the answer asks which), and the
answer over a real small index (fake embedder, scripted generator): the same question limited to two
documents answers from each, says which document it used, and a follow-up pointing back keeps it."""

import pytest

from app.answer.conversation import Conversation, points_back
from app.answer.documents import (Document, DocumentError, Library, Named, described_by, nothing_in, scope_note,
                                  which_document)
from retrieval.vector_store import DocumentSummary
from tests.app.documents_index import NEWER, OLDER, QUESTION, document_services, doc_id
from tests.fakes import FakeDocumentStore

ROWS = [("a1b2c3d4e5f6a7b8c9d0e1f2", "2025.04.全国中小企业数字化转型调研报告", "2025.04.全国中小企业数字化转型调研报告.pdf"),
        ("b1b2c3d4e5f6a7b8c9d0e1f2", "盐城高新区投资集团募集说明书", "盐城高新区_募集说明书_p251.pdf"),
        ("c1b2c3d4e5f6a7b8c9d0e1f2", "江苏省中小企业数字化转型调研报告", "jiangsu-survey.docx"),
        ("d1b2c3d4e5f6a7b8c9d0e1f2", "制造业企业数字化转型实施指南（2024）", "guidelines-2024.zh.md",
         {"origin": "starter", "source": "/kb/guidelines-2024.zh.md", "ingested_at": "2026-11-01T00:00:00"})]
SURVEY, PROSPECTUS, JIANGSU, GUIDE = (r[0] for r in ROWS)


@pytest.fixture
def library():
    return Library(FakeDocumentStore(ROWS))


# ---------------------------------------------------------------- names and ids given by the user
@pytest.mark.parametrize("name, expected", [
    (SURVEY, SURVEY), (PROSPECTUS[:8], PROSPECTUS),  # the id, or its first 6+ characters
    ("jiangsu-survey.docx", JIANGSU), ("JIANGSU-SURVEY.DOCX", JIANGSU),  # the file name
    ("制造业企业数字化转型实施指南（2024）", GUIDE), ("制造业企业数字化转型实施指南(2024)", GUIDE),  # the title
    ("募集说明书", PROSPECTUS), ("全国中小企业", SURVEY), ("guidelines-2024", GUIDE),  # a part only one has
])
def test_a_name_or_id_finds_its_document(library, name, expected):
    assert library.find(name).doc_id == expected


def test_an_unknown_name_is_a_clear_error_with_the_close_documents(library):
    with pytest.raises(DocumentError) as caught:
        library.find("全国中小企业数字化调研")
    error = caught.value
    assert error.kind == "unknown" and error.documents and error.documents[0].doc_id == SURVEY
    assert str(error).startswith("no document matches “全国中小企业数字化调研”. Close matches: “2025.04.全国")
    assert error.describe("zh").startswith("没有找到文档“全国中小企业数字化调研”。相近的有：《2025.04.全国")
    with pytest.raises(DocumentError, match="advisor list"):
        library.find("weather forecast")


def test_a_name_several_documents_share_is_a_clear_error_naming_them(library):
    with pytest.raises(DocumentError) as caught:
        library.find("调研报告")
    error = caught.value
    assert error.kind == "ambiguous" and {d.doc_id for d in error.documents} == {SURVEY, JIANGSU}
    assert "matches 2 documents" in str(error) and "jiangsu-survey.docx" in str(error)
    assert "对应2份文档" in error.describe("zh")


def test_names_resolve_in_order_each_document_once(library):
    assert [d.doc_id for d in library.resolve(["jiangsu-survey.docx", SURVEY, "江苏省中小企业"])] == [JIANGSU, SURVEY]


def test_user_documents_come_first_newest_first_and_are_told_from_starter_ones(library):
    docs = library.documents()
    assert [d.doc_id for d in docs] == [JIANGSU, PROSPECTUS, SURVEY, GUIDE]
    assert [d.user for d in docs] == [True, True, True, False]


def test_documents_stored_before_their_origin_was_recorded_are_told_by_their_path(tmp_path):
    def summary(source: str, origin: str = "") -> DocumentSummary:
        return DocumentSummary("x", "t", source, "f.md", 1, "", "", "zh", origin)

    library = Library(FakeDocumentStore([]), knowledge_dir=tmp_path / "knowledge")
    assert not library.is_user(summary(str(tmp_path / "knowledge" / "guide.zh.md")))
    assert library.is_user(summary(str(tmp_path / "mine" / "report.pdf")))
    assert library.is_user(summary("upload://report.pdf"))
    assert not library.is_user(summary("upload://report.pdf", origin="starter"))
    assert not Library(FakeDocumentStore([])).is_user(summary("/anywhere/report.pdf"))  # no starter folder known


# ---------------------------------------------------------------- the document a question names
@pytest.mark.parametrize("question", [
    "这份报告里说中小企业有多少家？", "这份调研报告说数字化转型的痛点是什么？", "该报告提到哪些需求？", "本报告的结论是什么？",
    "我上传的报告里怎么说的？", "What does the report I uploaded say about SMEs?", "What does the survey I added say?",
    "According to this report, what are the pain points?", "What does my uploaded survey say about costs?",
])
def test_this_report_is_the_newest_user_document(library, question):
    named = library.named_in(question)
    assert [d.doc_id for d in named.documents] == [JIANGSU] and not named.choices


@pytest.mark.parametrize("question", ["中小企业数字化转型从哪里入手？", "这个指南对中小企业有什么要求？",
                                      "What does the standard say about level 3?", "城市试点的政策文件有哪些？"])
def test_a_question_naming_no_document_is_not_limited(library, question):
    assert library.named_in(question).documents == ()


def test_an_ordinary_question_does_not_read_the_document_list():
    store = FakeDocumentStore(ROWS)
    Library(store).named_in("中小企业数字化转型从哪里入手？")
    assert store.reads == 0


def test_without_user_documents_this_report_is_not_limited():
    library = Library(FakeDocumentStore([ROWS[3]]))
    assert library.named_in("这份报告里说了什么？").documents == ()


def test_a_title_or_file_name_in_the_question_names_that_document(library):
    assert [d.doc_id for d in library.named_in("《江苏省中小企业数字化转型调研报告》说了什么？").documents] == [JIANGSU]
    assert [d.doc_id for d in library.named_in("《全国中小企业数字化转型调研报告》里痛点有哪些？").documents] == [SURVEY]
    assert [d.doc_id for d in library.named_in("jiangsu-survey.docx 说了什么？这份报告").documents] == [JIANGSU]
    assert [d.doc_id for d in library.named_in("guidelines-2024.zh.md 的第一步是什么？").documents] == [GUIDE]
    assert [d.doc_id for d in library.named_in("2025.04.全国中小企业数字化转型调研报告.pdf里说了什么？").documents] == [SURVEY]
    # a starter document's title in 《》 names a policy: the starter summaries all may speak of it;
    # "该文件" beside it is that policy, not the newest upload
    assert library.named_in("《制造业企业数字化转型实施指南》有哪些要求？").documents == ()
    assert library.named_in("《制造业企业数字化转型实施指南》该文件是谁发布的？").documents == ()


def test_a_title_several_documents_fit_asks_which(library):
    named = library.named_in("《中小企业数字化转型调研报告》里说市场规模多大？")
    assert not named.documents and {d.doc_id for d in named.choices} == {SURVEY, JIANGSU}
    assert named.name == "《中小企业数字化转型调研报告》"


def test_follow_ups_that_point_back_at_a_document():
    assert points_back("它对中小企业有什么要求？") and points_back("这份报告里还说了什么？") and points_back("And this report?")
    assert not points_back("那城市试点呢？") and not points_back("其它企业怎么做？")


def test_the_scope_note_and_the_question_back_are_in_the_question_language(library):
    docs = library.resolve([SURVEY, JIANGSU])
    assert scope_note(docs, "zh") == "（以下只根据《2025.04.全国中小企业数字化转型调研报告》、《江苏省中小企业数字化转型调研报告》回答）"
    assert scope_note(docs[:1], "en") == "(Answered from “2025.04.全国中小企业数字化转型调研报告” only)"
    # the refusal below that note does not name the documents again
    assert nothing_in(docs, "zh").startswith("这2份文档里没有找到") and nothing_in(docs[:1], "en").startswith("This document has")
    assert not any(d.title in nothing_in(docs, lang) for d in docs for lang in ("zh", "en"))
    which = which_document(Named(choices=tuple(docs), name="“the survey”"), "en").splitlines()
    assert which[0].startswith("2 documents could be “the survey”; which one do you mean?")
    assert which[2] == "- “江苏省中小企业数字化转型调研报告” (jiangsu-survey.docx, added 2026-12-03)"


# ---------------------------------------------------------------- a document described, not named
NOTE = Document("n1", "德邦证券-高测股份(688556)扩产4000万公里金刚线，强化光伏硅片切割三元布局-220719",
                "德邦证券-高测股份688556-公司点评-20220719.pdf", "zh", "2026-12-01", True)
SURVEY_DOC = Document("s1", "2025.04.全国中小企业数字化转型调研报告", "2025.04.全国中小企业数字化转型调研报告.pdf", "zh",
                      "2026-12-02", True)
PLAN = Document("p1", "恒远精密_2025数字化转型实施方案", "恒远精密_2025数字化转型实施方案.docx", "zh", "2026-12-03", True)
STARTER_GUIDE = Document("g1", "中小企业数字化转型指南", "sme-guide.zh.md", "zh", "2026-11-01", False)
STARTER_PLAN = Document("g2", "中小企业数字化赋能专项行动方案", "action-plan.zh.md", "zh", "2026-11-01", False)
DESCRIBABLE = (NOTE, SURVEY_DOC, PLAN, STARTER_GUIDE, STARTER_PLAN)


@pytest.mark.parametrize("texts, expected", [
    (["德邦证券那篇高测股份点评里，2022年预测的营业收入是多少？"], NOTE),
    # an English question and its translation for the search: the translation names the document
    (["The broker note on 高测股份 talks about electricity costs.", "关于高测股份的券商研报提到金刚线的电费"], NOTE),
    (["According to the 2025 national SME digital transformation survey report, where does manufacturing stand?",
      "根据2025年全国中小企业数字化转型调研报告，制造业数字化渗透率处于什么水平？"], SURVEY_DOC),
    (["Hengyuan's (恒远精密) digital plan lists risks. What about old machines?"], PLAN),
    (["恒远精密的数字化计划列出了哪些风险？"], PLAN),
    # only its kind (a survey) tells it from the starter guide, with most of its title: a translation
    # that says 调查 for 调研 and leaves out 全国
    (["The SME digital transformation survey report splits companies by life-cycle stage.",
      "中小企业数字化转型调查报告按生命周期阶段划分公司。"], SURVEY_DOC),
    (["How many companies did the 2025 national SME digital transformation survey interview?",
      "2025年中小企业数字化转型调查实际面试了多少家公司？"], SURVEY_DOC),
])
def test_a_question_describing_a_users_document_by_its_titles_words_is_limited_to_it(texts, expected):
    assert described_by(texts, DESCRIBABLE, 0.5, 0.6) == expected


@pytest.mark.parametrize("texts", [
    ["中小企业数字化转型有什么补贴？"],  # no kind of document: the title's words are the question's subject
    ["数字化转型方案怎么写？"],  # words every document shares (数字化, 转型) and a kind a starter one has too
    ["中小企业数字化转型指南的报告怎么说？"],  # a starter document fits better
    ["高测股份的股价是多少？"],  # a company, not a document
])
def test_a_subject_or_a_starter_documents_title_limits_nothing(texts):
    assert described_by(texts, DESCRIBABLE, 0.5, 0.6) is None


def test_two_documents_described_alike_limit_nothing():
    twin = Document("s2", "2025.05.全国中小企业数字化转型调研报告", "twin.pdf", "zh", "2026-12-04", True)
    assert described_by(["全国中小企业数字化转型调研报告里说了什么？"], DESCRIBABLE + (twin,), 0.5, 0.6) is None


# ---------------------------------------------------------------- answers over a real small index
@pytest.fixture(scope="module")
def services(tmp_path_factory):
    return document_services(tmp_path_factory.mktemp("documents"))


def cited_docs(answer) -> set[str]:
    return {c.doc_id for c in answer.citations}


def test_the_same_question_limited_to_two_documents_answers_from_each(services):
    older, newer = doc_id(services, OLDER), doc_id(services, NEWER)
    first = services.advisor.ask(QUESTION, documents=[OLDER])
    second = services.advisor.ask(QUESTION, documents=[f"{NEWER}.txt"])
    assert cited_docs(first) == {older} and {c.doc_id for c in first.contexts} == {older}
    assert cited_docs(second) == {newer} and {c.doc_id for c in second.contexts} == {newer}
    assert "1万亿元" in first.answer and "3000亿元" not in first.answer
    assert "3000亿元" in second.answer and "1万亿元" not in second.answer
    assert first.documents == [{"doc_id": older, "title": OLDER}]
    assert first.answer.startswith(f"（以下只根据《{OLDER}》回答）\n\n")
    assert not first.refused and first.to_json()["documents"] == first.documents
    assert {"step": "documents", "decision": "limited to 1 document(s)", "doc_ids": [older]} in first.trace
    unscoped = services.advisor.ask(QUESTION)  # both reports answer it when nothing limits the search
    assert unscoped.documents == [] and cited_docs(unscoped) == {older, newer}


def test_this_report_after_an_upload_answers_from_the_newest_user_document(services):
    answer = services.advisor.ask("这份调研报告说2025年市场规模将达到多少？")
    newer = doc_id(services, NEWER)
    assert answer.documents == [{"doc_id": newer, "title": NEWER}] and cited_docs(answer) == {newer}
    assert "3000亿元" in answer.answer and answer.answer.startswith(f"（以下只根据《{NEWER}》回答）")
    assert {"step": "documents", "decision": "limited to 1 document(s)", "doc_ids": [newer],
            "named": "这份调研报告"} in answer.trace


def test_a_title_two_documents_fit_gets_a_question_back_not_an_answer(services):
    calls = len(services.generator.messages)
    answer = services.advisor.ask("《中小企业数字化转型调研报告》说2025年市场规模将达到多少？")
    assert answer.refused and answer.refusal_reason == "which_document" and not answer.citations
    assert answer.answer.startswith("有2份文档都可能是《中小企业数字化转型调研报告》，请说明问的是哪一份")
    assert f"- 《{NEWER}》（{NEWER}.txt，" in answer.answer and f"- 《{OLDER}》（{OLDER}.txt，" in answer.answer
    assert {d["title"] for d in answer.document_choices} == {OLDER, NEWER}
    assert len(services.generator.messages) == calls  # the model was not asked


def test_a_document_name_that_fits_none_or_several_is_an_error_before_any_answer(services):
    with pytest.raises(DocumentError, match="no document matches “丙县报告”"):
        services.advisor.ask(QUESTION, documents=["丙县报告"])
    with pytest.raises(DocumentError, match="matches 2 documents"):
        services.advisor.ask(QUESTION, documents=["调研报告"])


def test_a_question_describing_one_report_answers_from_it_alone(services):
    older = doc_id(services, OLDER)
    answer = services.advisor.ask("甲市中小企业调研报告里，企业数字化转型最大的痛点是什么？")
    assert answer.documents == [{"doc_id": older, "title": OLDER}] and cited_docs(answer) == {older}
    assert answer.answer.startswith(f"（以下只根据《{OLDER}》回答）") and "缺少资金" in answer.answer
    assert {"step": "documents", "decision": "limited to the document the question describes", "doc_ids": [older],
            "described": OLDER} in answer.trace


def test_a_follow_up_pointing_back_keeps_the_last_answers_documents(services):
    older = doc_id(services, OLDER)
    conversation = Conversation.from_settings(services.advisor, services.settings)
    first = [e.answer for e in conversation.stream(QUESTION, documents=[OLDER]) if e.kind == "done"][0]
    assert first.documents[0]["doc_id"] == older
    # "这份报告" alone would mean the newest upload; after an answer limited to the older one it means that
    follow = [e.answer for e in conversation.stream("这份报告里企业最大的痛点是什么？") if e.kind == "done"][0]
    assert follow.documents == [{"doc_id": older, "title": OLDER}] and cited_docs(follow) == {older}
    assert "缺少资金" in follow.answer
    again = [e.answer for e in conversation.stream("它说的痛点是什么？") if e.kind == "done"][0]
    assert again.documents == follow.documents
    topic = [e.answer for e in conversation.stream("企业数字化转型最大的痛点是什么？") if e.kind == "done"][0]
    assert topic.documents == []  # a follow-up that does not point back searches everything again


def test_a_fact_gap_in_an_answer_limited_to_a_document_is_said_of_the_document_without_policy_advice(services):
    older = doc_id(services, OLDER)
    answer = services.advisor.ask("甲市中小企业调研报告里，每家企业能拿到多少补贴？")
    assert answer.documents == [{"doc_id": older, "title": OLDER}] and answer.refused
    assert "文档中没有给出这项金额。" in answer.answer
    assert "主管部门" not in answer.answer and "补贴）" not in answer.answer
