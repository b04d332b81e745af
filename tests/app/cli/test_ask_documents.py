"""``advisor ask --doc NAME_OR_ID`` (repeatable) and ``advisor list`` in this process, over the small
index of tests/app/documents_index.py (fake embedder, scripted generator): the answer comes from the
documents named; a name that fits none or several is one ``error:`` line, exit status 2, before any
model is loaded."""

import json

import pytest

import app.cli.main as cli
from tests.app.documents_index import NEWER, OLDER, QUESTION, document_services, doc_id


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    return document_services(tmp_path_factory.mktemp("cli-documents"))


@pytest.fixture
def advisor_cli(services, monkeypatch, capsys):
    monkeypatch.setattr(cli, "_services", lambda args: services)

    def run(*args):
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_ask_with_doc_answers_from_that_document(advisor_cli, services):
    code, out, _ = advisor_cli("ask", "--json", "--doc", f"{OLDER}.txt", QUESTION)
    answer = json.loads(out)
    older = doc_id(services, OLDER)
    assert code == 0 and answer["documents"] == [{"doc_id": older, "title": OLDER}]
    assert {c["doc_id"] for c in answer["citations"]} == {older} and "1万亿元" in answer["answer"]


def test_doc_is_repeatable(advisor_cli, services):
    code, out, _ = advisor_cli("ask", "--json", "--doc", doc_id(services, OLDER)[:8], "--doc", "乙省", QUESTION)
    assert code == 0 and [d["title"] for d in json.loads(out)["documents"]] == [OLDER, NEWER]


def test_streamed_answer_opens_with_the_document_it_used(advisor_cli):
    code, out, _ = advisor_cli("ask", "--doc", "乙省", QUESTION)
    assert code == 0 and out.startswith(f"（以下只根据《{NEWER}》回答）") and "3000亿元" in out


@pytest.mark.parametrize("name, words", [("丙县报告", "no document matches “丙县报告”"),
                                         ("调研报告", "“调研报告” matches 2 documents")])
def test_a_doc_that_fits_none_or_several_is_one_error_line_before_any_model(advisor_cli, services, name, words):
    services.__dict__.pop("advisor", None)
    code, out, err = advisor_cli("ask", "--doc", name, QUESTION)
    assert code == 2 and not out and err.startswith("error: ") and words in err and len(err.splitlines()) == 1
    assert "advisor" not in services.__dict__  # nothing was loaded


def test_list_shows_the_users_documents_first_with_language_and_origin(advisor_cli):
    code, out, _ = advisor_cli("list")
    lines = out.splitlines()
    assert code == 0 and "from" in lines[0] and "lang" in lines[0]
    assert NEWER in lines[1] and " user " in lines[1] and OLDER in lines[2]
    assert all(" starter " in line for line in lines[3:5]) and lines[-1].startswith("4 documents")
    code, out, _ = advisor_cli("list", "--json")
    rows = json.loads(out)
    assert [r["user"] for r in rows] == [True, True, False, False] and rows[0]["origin"] == "user"
