"""The real app in headless Chromium (Debian's chromium driven by Playwright): profile, question,
streamed answer with source cards, plan draft exported as DOCX, login, upload, ask about the
upload, delete it. Screenshots go to artifacts/ui/."""

import os
import re
import shutil

import docx
import pytest

from prompts import load_table
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, running_app
from tests.pdf_maker import make_pdf

ARTIFACTS = REPO / "artifacts" / "ui"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/install-browser.sh)")]


@pytest.fixture(scope="module")
def app_url(kb_services, tmp_path_factory):
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(kb_services.settings.data_dir, data)
    env = dict(os.environ, ADVISOR_DATA_DIR=str(data), ADVISOR_ADMIN_PASSWORD="s3cret-pass")
    with running_app(env, data.parent / "serve.log") as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.goto(app_url)
        page.wait_for_selector("#question textarea", timeout=60_000)
        yield page
        browser.close()


def choose(page, selector: str, option: str):
    page.click(f"{selector} input")
    page.get_by_role("option", name=option, exact=True).click()


def ask(page, question: str):
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")


BOT = "#chat .message.bot, #chat [data-testid='bot']"
# The last answer is complete when its open list of key passages (under a bold heading) is gone.
ANSWER_COMPLETE = f"""() => {{ const m = [...document.querySelectorAll("{BOT}")].pop();
    return m && ![...m.querySelectorAll("strong")].some(s => s.textContent.includes("资料原文要点")); }}"""
# Source words in the last answer: the key passages' heading or a quoted body line.
FIRST_WORDS = f"""() => {{ const m = [...document.querySelectorAll("{BOT}")].pop();
    return m && ([...m.querySelectorAll("strong")].some(s => s.textContent.includes("资料原文要点"))
        || [...m.querySelectorAll("li")].some(li => li.textContent.trim().startsWith("“"))); }}"""
# The text of the last answer's elements matching a selector (paragraphs, list items), the evidence fold left out.
OUTSIDE_FOLD = f"""(selector) => [...[...document.querySelectorAll("{BOT}")].pop().querySelectorAll(selector)]
    .filter(e => !e.closest("details")).map(e => e.textContent.trim())"""


def words(line: str) -> str:
    """A line without its marks: list dash, quote marks, [n], punctuation, spaces."""
    return re.sub(r"\[\d+\]|[\W_]+", "", line)


def test_profile_question_streamed_answer_and_source_cards(page):
    page.get_by_text("企业画像（可选）").click()
    choose(page, "#tier", "小微企业")
    page.fill("#industry textarea", "五金加工")
    ask(page, "数字化转型应该从哪里入手？")
    page.wait_for_selector("#sources .src-card", timeout=60_000)
    # The key passages, then the answer's body (the sources' sentences, quoted), are on screen before
    # the model's lead is written above them.
    page.wait_for_function(FIRST_WORDS, timeout=60_000)
    page.wait_for_selector("#sources .src-card.cited", timeout=180_000)
    page.wait_for_function(ANSWER_COMPLETE, timeout=60_000)
    message = page.locator(BOT).last
    bot = message.inner_text()
    assert "小微企业" in bot  # the profile the answer assumed
    answer_lines = page.evaluate(OUTSIDE_FOLD, "p, li")
    assert any(re.search(r"\[\d+\]", line) for line in answer_lines), answer_lines
    # After the lead, the body (when the lead does not say it all): the sources' sentences as a list, quoted, cited.
    body = page.evaluate(OUTSIDE_FOLD, "li")
    assert all(re.fullmatch(r"“.+”(\[\d+\])+", li, re.S) for li in body), body
    labels = page.locator("#sources .src-kind").all_inner_texts()
    assert labels and all(set(l.split("、")) <= {"官方文件", "官方解读", "新闻报道", "第三方资料"} for l in labels), labels
    assert not any(code in page.locator("#sources").inner_text() for code in ("NEWS", "SEED", "3P", "OFF"))
    tags = set(page.locator("#sources .src-meta .src-tag").all_inner_texts())
    zh_types, en_types = load_table("doc_types", "zh"), load_table("doc_types", "en")
    assert tags & set(zh_types.values()) and not tags & (set(zh_types) | set(en_types.values())), tags
    page.screenshot(path=str(ARTIFACTS / "01-chat-answer.png"), full_page=True)
    # The evidence the answer does not show is folded, closed, under it; none of its lines is one of the answer's.
    fold = message.locator("details.evidence")
    if fold.count():
        assert not fold.evaluate("d => d.open") and "资料原文中的其他要点" in bot
        fold.locator("summary").click()
        quoted = "\n".join(fold.locator("blockquote").all_inner_texts())
        passages = [p for p in re.split(r"(?m)^\[\d+\]\s*", quoted) if p.strip()]
        assert passages and not [p for p in passages if any(words(p) in words(a) for a in answer_lines)], passages
        page.screenshot(path=str(ARTIFACTS / "01b-chat-evidence-open.png"), full_page=True)
    else:  # the answer shows every passage: no evidence section at all
        assert "资料原文" not in bot


def test_plan_draft_exports_docx_with_headings_and_citations(page, tmp_path):
    page.get_by_role("tab", name="方案草稿").click()
    page.fill("#goal textarea", "两年内实现关键设备联网和生产数据可视化")
    page.click("#draft")
    page.wait_for_function("() => document.querySelector('#plan-text textarea').value.includes('资料来源')",
                           timeout=420_000)
    page.screenshot(path=str(ARTIFACTS / "02-plan-draft.png"), full_page=True)
    page.click("#export-docx")
    link = page.locator("#plan-file a").first
    link.wait_for(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "plan.docx"
    download.value.save_as(path)
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    for title in ("一、现状评估", "二、制定转型规划：优先场景", "三、组织落地实施：分阶段步骤", "四、开展成效评估",
                  "五、推进迭代优化", "资料来源"):
        assert title in headings, headings
    body = "\n".join(p.text for p in document.paragraphs)
    assert "[1]" in body and body.count("[") >= 3


def test_login_upload_ask_and_delete(page, tmp_path):
    pdf = tmp_path / "zephyr-energy-dashboard.pdf"
    pdf.write_bytes(make_pdf([
        "Zephyr Foundry energy dashboard. The dashboard tracks kilowatt-hours per furnace shift for each of the "
        "six induction furnaces, and it raises an alert when a furnace idles for more than twenty minutes.",
        "Maintenance staff review the Zephyr Foundry dashboard every Monday to plan furnace lining replacement."]))
    page.get_by_role("tab", name="知识库管理").click()
    page.fill("#admin-password input", "wrong")
    page.fill("#admin-user textarea, #admin-user input", "admin")
    page.click("#login")
    page.wait_for_selector("#login-status:has-text('不正确')", timeout=30_000)
    assert not page.locator("#admin").is_visible()
    page.fill("#admin-password input", "s3cret-pass")
    page.click("#login")
    page.wait_for_selector("#admin", state="visible", timeout=30_000)
    page.set_input_files("#upload input[type=file]", str(pdf))
    page.wait_for_timeout(1500)
    page.click("#ingest")
    page.wait_for_function("() => document.querySelector('#ingest-results textarea').value.includes('added')",
                           timeout=180_000)
    page.screenshot(path=str(ARTIFACTS / "03-knowledge-base.png"), full_page=True)
    page.wait_for_selector("#docs:has-text('zephyr-energy-dashboard.pdf')", timeout=30_000)

    page.get_by_role("tab", name="咨询").click()
    page.get_by_role("button", name="新对话").click()
    ask(page, "What does the Zephyr Foundry energy dashboard track?")
    page.wait_for_selector("#sources .src-card:has-text('zephyr-energy-dashboard')", timeout=180_000)
    page.wait_for_selector("#sources .src-card.cited", timeout=180_000)
    page.screenshot(path=str(ARTIFACTS / "04-ask-upload.png"), full_page=True)

    page.get_by_role("tab", name="知识库管理").click()
    choose(page, "#delete-choice", "zephyr-energy-dashboard [zephyr-energy-dashboard.pdf]")
    page.click("#delete")
    page.wait_for_function("() => !document.querySelector('#docs').innerText.includes('zephyr-energy-dashboard.pdf')",
                           timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "05-deleted.png"), full_page=True)


def test_selfcheck_chart_priorities_with_citations_and_docx(page, tmp_path):
    from app.selfcheck.knowledge import load_questionnaire

    q = load_questionnaire(REPO / "knowledge", "zh")
    page.get_by_role("tab", name="数字化自评").click()
    choose(page, "#sc-tier", "中小企业")
    page.fill("#sc-industry textarea", "汽车零部件")
    page.fill("#sc-pains textarea", "设备意外停机、缺陷发现晚")
    for i, question in enumerate(q.questions):
        if question.bands:
            page.locator(f"#sc-item-{i} label", has_text=question.bands[1]).click()
    levels = {"设备管理": 2, "质量管理": 2, "售后服务": 0}  # the rest: level 3
    for i, scenario in enumerate(q.scenarios):
        level = levels.get(scenario.key, 3)
        page.locator(f"#sc-scenario-{i} label").nth(level - 1 if level else 4).click()
    page.click("#sc-run")
    page.wait_for_selector("#sc-chart img, #sc-chart canvas", timeout=60_000)
    page.wait_for_function("() => document.querySelector('#sc-status').innerText.includes('自评完成')",
                           timeout=420_000)
    report = page.locator("#sc-report").inner_text()
    assert "示意总体等级" in report and "不是官方评测等级" in report
    for name in ("质量管理", "设备管理"):
        assert name in report.split("三个优先场景")[1]
    assert "[1]" in report and "来源" in report  # the recommendations cite their sources
    assert "设备关键运行参数实时采集" in report  # equipment management's level-3 descriptor, quoted
    page.screenshot(path=str(ARTIFACTS / "06-selfcheck.png"), full_page=True)
    page.click("#sc-export-docx")
    link = page.locator("#sc-file a").first
    link.wait_for(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "selfcheck.docx"
    download.value.save_as(path)
    document = docx.Document(str(path))
    assert len(document.inline_shapes) == 1  # the chart
    body = "\n".join(p.text for p in document.paragraphs)
    assert "三个优先场景" in body and "[1]" in body
    page.get_by_role("tab", name="咨询").click()
    if not page.locator("#profile-priorities").is_visible():
        page.get_by_text("企业画像（可选）").click()
    page.wait_for_selector("#profile-priorities:has-text('自评优先场景')", timeout=30_000)  # reached the chat profile
