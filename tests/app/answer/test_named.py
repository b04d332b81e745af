"""What a question assumes about a document (its edition, its issuer) is checked against the sources."""

from app.answer.named import edition_problems, issuer_problems

INDICATORS = ("2022年版《中小企业数字化水平评测指标》从数字化基础、经营、管理、成效四个维度评测。"
              "2024年版《中小企业数字化水平评测指标》调整为数字化基础、数字化管理、数字化成效三个维度。")
INDICATORS_EN = ("The 2022 edition of the SME Digitalisation Level Evaluation Indicators had four dimensions; "
                 "the 2024 edition of the SME Digitalisation Level Evaluation Indicators has three.")


def test_an_edition_the_sources_do_not_have_is_found():
    [problem] = edition_problems("2023年版《中小企业数字化水平评测指标》有哪些维度？", [INDICATORS], 0.6)
    assert (problem.kind, problem.asked, problem.found) == ("edition", "2023", "2022、2024")
    assert problem.subject == "中小企业数字化水平评测指标"
    [problem] = edition_problems("What does the 2023 edition of the SME evaluation indicators say about management?",
                                 [INDICATORS_EN], 0.6)
    assert problem.asked == "2023" and problem.found == "2022、2024"


def test_an_edition_the_sources_have_or_do_not_speak_of_is_no_problem():
    assert edition_problems("2024年版《中小企业数字化水平评测指标》有哪些维度？", [INDICATORS], 0.6) == []
    assert edition_problems("2024版评测里数字化管理主要考什么？", [INDICATORS], 0.6) == []
    # the sources give no edition of this document at all: nothing to say against the question
    assert edition_problems("2023年版《智能制造能力成熟度模型》分几级？", [INDICATORS], 0.6) == []


def test_a_wrong_issuer_is_found_and_a_right_one_in_its_short_name_is_not():
    titled = [("中小企业数字化转型指南（2022）", "工业和信息化部办公厅"),
              ("制造业企业数字化转型实施指南（2024）", "工业和信息化部、国务院国资委、全国工商联")]
    [problem] = issuer_problems("听说财政部发布的《中小企业数字化转型指南》要求企业上云，对吗？", titled, 0.6)
    assert (problem.asked, problem.found) == ("财政部", "工业和信息化部办公厅")
    assert issuer_problems("工信部发布的《中小企业数字化转型指南》讲了什么？", titled, 0.6) == []
    assert issuer_problems("国资委印发的《制造业企业数字化转型实施指南》对龙头企业有什么要求？", titled, 0.6) == []
