"""The Self-check tab of the web app: the questionnaire, built from the knowledge documents
(``app/selfcheck/knowledge.py``), and its result: chart, reasoning, priorities with grounded
recommendations and their sources, JSON and Word export. Only layout and wiring: the checking,
scoring and advice live in ``app/selfcheck*.py``. The result is kept per session (gr.State) and
written to disk only when the user exports it."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from app.plan.export import export_docx
from app.answer.profile import LEVELS
from app.selfcheck.assessment import SelfCheck, assess
from app.selfcheck.advice import add_recommendations
from app.selfcheck.answers import SelfCheckError, parse_answers, question_help
from app.selfcheck.chart import chart_figure
from app.selfcheck.knowledge import Questionnaire, load_questionnaire
from app.services import Services
from app.web.ui.text import TEXT, TIER_CHOICES
from prompts import load_table


@dataclass
class SelfCheckTab:
    state: gr.State  # the SelfCheck of this session, or None
    save_btn: gr.Button  # "save to the current client" (wired by the chat page, shown to consultants)
    status: gr.Markdown
    report: gr.Markdown  # also shows a client's saved self-check when the client is chosen


def scenario_choices(q: Questionnaire, key: str) -> list[tuple[str, int]]:
    s = q.scenario(key)
    return [(f"{LEVELS[n][q.lang]}: {s.levels[n]}", n) for n in range(1, 5)] + \
        [(load_table("selfcheck", q.lang)["not_relevant"], 0)]


def scenario_label(q: Questionnaire, key: str) -> str:
    s = q.scenario(key)
    return s.name if s.specific else f"{s.name} — {load_table('selfcheck', q.lang)['general_only']}"


def question_label(q: Questionnaire, key: str) -> str:
    question = next(x for x in q.questions if x.key == key)
    where = question.item if question.sub_weight is None else f"{question.item} › {question.name}"
    return f"{where} ({q.dimension(question.dimension).name})"


def question_info(q: Questionnaire, key: str) -> str:
    question = next(x for x in q.questions if x.key == key)
    content = "; ".join(question.content)
    return (content + " — " if content else "") + question_help(question, q.lang)


def priorities_line(result: SelfCheck | None, lang: str) -> str:
    if result is None or not result.priorities:
        return ""
    return f"*{TEXT[lang]['sc_priorities_note']}: {'、'.join(p.scenario for p in result.priorities)}*"


def build_selfcheck_tab(services: Services, lang: gr.State, lang_radio: gr.Radio, chat_profile: list,
                        chat_priorities: gr.Markdown, client: gr.State, advisor_for) -> SelfCheckTab:
    """The tab, inside the app's gr.Tabs; ``chat_profile`` is the Ask tab's (tier, industry,
    headcount, level, pains), which a finished self-check fills in. ``advisor_for(client id, lang,
    request)``: the advisor reading what the user of the event may read in that client's workspace."""
    knowledge_dir = services.settings.knowledge_dir
    q0 = load_questionnaire(knowledge_dir, "zh")
    t0, s0 = TEXT["zh"], load_table("selfcheck", "zh")
    question_keys = [x.key for x in q0.questions]
    scenario_keys = [s.key for s in q0.scenarios]

    with gr.Tab(t0["tab_selfcheck"], id="selfcheck", elem_id="tab-selfcheck") as tab:
        intro = gr.Markdown(f"**{s0['title']}**\n\n{s0['intro']}\n\n{s0['notice']}", elem_id="sc-intro")
        with gr.Accordion(t0["sc_profile"], open=True) as profile_box:
            with gr.Row():
                tier = gr.Dropdown(TIER_CHOICES["zh"], value="", label=t0["tier"], elem_id="sc-tier")
                industry = gr.Textbox(label=t0["industry"], elem_id="sc-industry")
                headcount = gr.Number(None, label=t0["headcount"], precision=0, minimum=0, elem_id="sc-headcount")
            pains = gr.Textbox(label=t0["pains"], elem_id="sc-pains")
        with gr.Accordion(s0["items_heading"], open=True) as items_box:
            questions = []
            for i, question in enumerate(q0.questions):
                if question.bands:
                    questions.append(gr.Radio(list(question.bands), label=question_label(q0, question.key),
                                              info=question_info(q0, question.key), elem_id=f"sc-item-{i}"))
                else:
                    questions.append(gr.Textbox(label=question_label(q0, question.key),
                                                info=question_info(q0, question.key), elem_id=f"sc-item-{i}"))
        group_boxes, scenarios = [], []  # q0.scenarios is in group order, so the radios are too
        for group in q0.groups:
            with gr.Accordion(f"{s0['scenarios_heading']} · {group.name}", open=True) as box:
                group_boxes.append(box)
                for s in q0.scenarios:
                    if s.group == group.key:
                        scenarios.append(gr.Radio(scenario_choices(q0, s.key), label=scenario_label(q0, s.key),
                                                  elem_id=f"sc-scenario-{scenario_keys.index(s.key)}"))
        run_btn = gr.Button(t0["sc_run"], variant="primary", elem_id="sc-run")
        status = gr.Markdown(elem_id="sc-status")
        chart = gr.Plot(label=s0["chart_title"], elem_id="sc-chart")
        report = gr.Markdown(elem_id="sc-report")
        with gr.Row():
            json_btn = gr.Button(t0["sc_export_json"], elem_id="sc-export-json")
            docx_btn = gr.Button(t0["sc_export_docx"], elem_id="sc-export-docx")
            save_btn = gr.Button(t0["sc_save_client"], visible=False, elem_id="sc-save-client")
        file = gr.File(label="⇩", interactive=False, elem_id="sc-file")
        state = gr.State(None)

    def run(lang_now, client_id, tier_v, industry_v, headcount_v, pains_v, request: gr.Request, *values):
        t = TEXT[lang_now]
        answered = dict(zip(question_keys, values[:len(question_keys)]))
        levels = dict(zip(scenario_keys, values[len(question_keys):]))
        data = {"lang": lang_now,
                "profile": {"tier": tier_v or "", "industry": industry_v or "", "pain_points": pains_v or "",
                            "headcount": int(headcount_v) if headcount_v else None},  # an empty box gives 0
                "items": {k: v for k, v in answered.items() if v not in (None, "")},
                "scenarios": {k: v for k, v in levels.items() if v is not None}}
        skip = [gr.skip()] * 9
        try:
            result = assess(parse_answers(data, knowledge_dir, lang_now), knowledge_dir)
        except SelfCheckError as exc:
            yield [f"**{t['sc_problems']}**\n\n" + "\n".join(f"- {p}" for p in exc.problems)] + skip
            return
        profile = [gr.update(value=result.answers.tier), gr.update(value=result.answers.industry),
                   gr.update(value=result.answers.headcount), gr.update(value=result.indicative_band),
                   gr.update(value=result.answers.pain_points), priorities_line(result, lang_now)]
        yield [t["sc_working"] if result.priorities else t["sc_done"], chart_figure(result), result.to_markdown(),
               result] + profile
        for _ in add_recommendations(advisor_for(client_id, lang_now, request), result):
            yield [gr.skip(), gr.skip(), result.to_markdown(), result] + [gr.skip()] * 6
        yield [t["sc_done"], gr.skip(), result.to_markdown(), result] + [gr.skip()] * 6

    def export(result: SelfCheck | None, kind: str, lang_now: str):
        if result is None:
            return gr.skip(), TEXT[lang_now]["sc_none"]
        folder = Path(tempfile.mkdtemp(prefix="selfcheck-"))
        if kind == "docx":
            return str(export_docx("", folder / "digital-self-check.docx", result)), gr.skip()
        path = folder / "digital-self-check.json"
        path.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
        return str(path), gr.skip()

    run_btn.click(run, [lang, client, tier, industry, headcount, pains] + questions + scenarios,
                  [status, chart, report, state] + chat_profile + [chat_priorities], api_name=False)
    json_btn.click(lambda r, lg: export(r, "json", lg), [state, lang], [file, status], api_name=False)
    docx_btn.click(lambda r, lg: export(r, "docx", lg), [state, lang], [file, status], api_name=False)

    def relabel(new_lang):
        q, t, s = load_questionnaire(knowledge_dir, new_lang), TEXT[new_lang], load_table("selfcheck", new_lang)
        groups = {g.key: g.name for g in q.groups}
        return [gr.update(label=t["tab_selfcheck"]), f"**{s['title']}**\n\n{s['intro']}\n\n{s['notice']}",
                gr.update(label=t["sc_profile"]), gr.update(label=t["tier"], choices=TIER_CHOICES[new_lang]),
                gr.update(label=t["industry"]), gr.update(label=t["headcount"]), gr.update(label=t["pains"]),
                gr.update(label=s["items_heading"]),
                *(gr.update(label=question_label(q, k), info=question_info(q, k)) for k in question_keys),
                *(gr.update(label=f"{s['scenarios_heading']} · {groups[g.key]}") for g in q0.groups),
                *(gr.update(label=scenario_label(q, k), choices=scenario_choices(q, k)) for k in scenario_keys),
                gr.update(value=t["sc_run"]), gr.update(label=s["chart_title"]), gr.update(value=t["sc_export_json"]),
                gr.update(value=t["sc_export_docx"]), gr.update(value=t["sc_save_client"])]

    lang_radio.change(relabel, lang_radio,
                      [tab, intro, profile_box, tier, industry, headcount, pains, items_box] + questions + group_boxes
                      + scenarios + [run_btn, chart, json_btn, docx_btn, save_btn], api_name=False)
    return SelfCheckTab(state, save_btn, status, report)
