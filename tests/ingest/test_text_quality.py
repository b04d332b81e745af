import pytest

from ingest.loaders import load
from ingest.text_quality import check_text, cjk_word_share
from tests.conftest import shared_path


def test_real_chinese_prose_passes():
    text = "中小企业数字化转型要坚持小快轻准，先从业务系统上云做起，再逐步推进数据驱动的经营管理。" * 3
    assert check_text(text).ok
    assert cjk_word_share(text)[1] > 0.7


def test_glyph_names_are_garbled():
    verdict = check_text("/G21/G22/G23 /G24/G25/G26/G27 ３５ ．０４０ " * 20)
    assert not verdict.ok and "glyph names" in verdict.reason


def test_random_rare_characters_are_garbled():
    verdict = check_text("犐犆犛犔犌犕犜犘犙犚犠犡犢犣犤犥犦犧犨犩犪犫犬犭犮犯犰犱犲犳犴犵状犷犸犹犺犻犼犽" * 3)
    assert not verdict.ok and "form words" in verdict.reason


def test_almost_empty_is_refused():
    assert not check_text(" 1 \n 2 ").ok


@pytest.mark.parametrize("name", ["GMT_0031-2014_安全电子签章密码技术规范.pdf"])
def test_real_pdf_with_broken_fonts_is_detected(name):
    docs = load(shared_path("fixtures/real_pdfs", name))
    verdict = check_text("\n".join(d.page_content for d in docs))
    assert not verdict.ok and "garbled" in verdict.reason


@pytest.mark.parametrize("name", ["DB32T1580-2019_地理标志产品_射阳大米.pdf", "德邦证券-高测股份688556-公司点评-20220719.pdf",
                                  "盐城高新区投资集团_2023年度第四期超短期融资券募集说明书_p251_tables.pdf"])
def test_real_good_pdfs_pass(name):
    docs = load(shared_path("fixtures/real_pdfs", name))
    assert check_text("\n".join(d.page_content for d in docs)).ok
