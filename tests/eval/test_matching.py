"""The must-mention matcher on hand-written cases: same language, across languages, numbers by
value, and near-misses that must not match."""

import pytest

from eval.matching import PointMatcher, key_terms, missing_figures, numbers


@pytest.fixture(scope="module")
def matcher(embedder, kb_services, tmp_path_factory):
    from eval.translation import PointTranslator

    translator = PointTranslator(kb_services.generator, tmp_path_factory.mktemp("tr") / "translations.json")
    return PointMatcher(embedder.embed_queries, embedder.embed_passages, translate=translator.other_language)


def matched(matcher, point, text):
    return matcher.match([point], text)[0]


def test_numbers_are_compared_by_value():
    assert numbers("up to 150 million yuan") == numbers("最高1.5亿元") == {150_000_000.0}
    assert numbers("42%") == {42.0}
    assert 10_000.0 in numbers("1万余家省级数字化车间")
    assert numbers("3,684百万元") == numbers("36.84亿元") == numbers("3,684 million yuan") == {3_684_000_000.0}
    assert numbers("3 trillion yuan") == numbers("3万亿元") == {3e12}


def test_a_tables_unit_given_once_in_its_header_counts_for_its_bare_figures():
    assert missing_figures("717 million yuan", "净利润(百万元) 59 173 471 717 933") == ()
    assert missing_figures("MES项目2026年预算240万元", "2026年：240；合计：620（单位：万元）") == ()
    assert missing_figures("717 million yuan", "净利润 59 173 471 717 933") != ()  # no magnitude named anywhere
    assert missing_figures("3万亿元", "到2030年有望达到3") != ()


def test_key_terms_drop_meta_words():
    assert key_terms("cite which source") == []
    assert "pdca" in key_terms("PDCA")


@pytest.mark.parametrize("point, text", [
    ("数字化基础50分", "2024年版评测中，数字化基础权重为50。"),
    ("organize implementation", "The Guidelines ask firms to organise implementation (组织落地实施)."),
    ("GB/T 45341-2025", "国家标准GB/T 45341—2025《数字化转型管理 参考架构》于2025年发布。"),
    ("up to 150 million yuan for provincial capitals", "省会城市等最高可获1.5亿元中央财政奖补。"),
])
def test_same_point_in_other_words_or_language_matches(matcher, point, text):
    assert matched(matcher, point, text).matched


@pytest.mark.parametrize("point, text", [
    ("move business systems to the cloud", "小微企业应推动业务系统上云，提升经营管理水平。"),
    ("unclear transformation needs", "多数企业仍面临转型需求不明确、转型路径不清晰的问题。"),
    ("421家国家级示范工厂", "China has built 421 national-level intelligent manufacturing demonstration factories."),
])
def test_cross_language_matches(matcher, point, text):
    result = matched(matcher, point, text)
    assert result.matched, result


@pytest.mark.parametrize("point, text", [
    ("数字化基础50分", "2024年版评测中，数字化基础权重为30。"),  # wrong number
    ("up to 150 million yuan for provincial capitals", "省会城市最高可获1亿元。"),  # wrong amount
    ("WEF Oct 2024: 74 of 172 (43%)", "China has 72 lighthouse factories, 42% of the total."),  # the other count
    ("eight departments", "The plan was issued by the Ministry of Industry and Information Technology."),
    ("3-5 general large models", "The action plan aims to build 100 high-quality industrial datasets."),
])
def test_near_misses_do_not_match(matcher, point, text):
    result = matched(matcher, point, text)
    assert not result.matched, result
