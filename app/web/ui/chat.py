"""The Gradio app: Ask (chat with an optional enterprise profile, streamed answers, source cards,
feedback), Plan draft (PDCA sections, editable, exported as Word or Markdown) and Knowledge base
(behind a login). The app holds no pipeline logic: it calls the advisor, the plan drafter and the
ingest pipeline. Per-session data (history, answers, login) lives in gr.State, so sessions never
see each other's."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import gradio as gr

from app.answer.conversation import Conversation, parse_history
from app.plan.drafts import draft_plan
from app.plan.export import export_docx
from app.answer.profile import EnterpriseProfile
from app.services import Services
from app.web.ui.sources import body_to_come, card_metadata, cited_set, render_evidence, render_sources
from app.web.ui.admin import KnowledgeBaseAdmin
from app.web.ui.selfcheck import build_selfcheck_tab
from app.web.ui.text import EXAMPLES, LEVEL_CHOICES, SOURCE_TEXT, TEXT, TIER_CHOICES
from app.web.messages import QUEUE
from app.web.queue import AdmissionQueue, QueueFull
from ingest.language import detect_language
from ingest.loaders import SUPPORTED_SUFFIXES

QUEUE_NOTICE_S = 1.0  # how often a waiting user's place in line is refreshed


def make_profile(tier: str, industry: str, headcount, level, pains: str, selfcheck=None) -> EnterpriseProfile | None:
    """``selfcheck``: this session's self-check result, whose priority scenarios join the profile."""
    if not tier:
        return None
    priorities = tuple(p.scenario for p in selfcheck.priorities) if selfcheck is not None else ()
    return EnterpriseProfile(tier, (industry or "").strip(), int(headcount) if headcount not in (None, "") else None,
                             int(level or 0), (pains or "").strip(), priorities)


def profile_note(profile: EnterpriseProfile | None, lang: str) -> str:
    if profile is None:
        return ""
    line = profile.describe(lang).split("。")[0].split(". Tailor")[0]
    return (f"*按以下企业画像回答：{line.removeprefix('提问企业情况')}*\n\n" if lang == "zh"
            else f"*Answered for this profile: {line.removeprefix('The asking enterprise ')}*\n\n")


def build_app(services: Services, admission: AdmissionQueue | None = None) -> gr.Blocks:
    """The Blocks; models load on first use (the web server warms them up in the background).
    With ``admission``, chat answers wait their turn in the queue shared with the HTTP API."""
    settings = services.settings
    feedback = services.feedback
    t0 = TEXT["zh"]

    def conversation_for(history: list[dict]) -> Conversation:
        return Conversation.from_settings(services.advisor, settings, history)

    # ---------------------------------------------------------------- chat
    def chat(question, messages, history, answers, *profile_values):
        """``chat_answer`` after a turn in the admission queue, showing the user their place in line."""
        question = (question or "").strip()
        if admission is None or not question:
            yield from chat_answer(question, messages, history, answers, *profile_values)
            return
        lang = detect_language(question)
        asked = list(messages) + [{"role": "user", "content": question}]
        try:
            ticket = admission.enter()
        except QueueFull as exc:
            yield asked + [{"role": "assistant", "content": QUEUE[lang]["full"].format(retry=exc.retry_after_s)}], \
                gr.skip(), history, answers, question
            return
        with ticket:
            for ahead in ticket.waiting(QUEUE_NOTICE_S):
                yield asked + [{"role": "assistant", "content": QUEUE[lang]["waiting"].format(ahead=ahead)}], \
                    gr.skip(), history, answers, ""
            yield from chat_answer(question, messages, history, answers, *profile_values)

    def chat_answer(question, messages, history, answers, tier, industry, headcount, level, pains, selfcheck=None):
        question = (question or "").strip()
        if not question:
            yield messages, gr.skip(), history, answers, ""
            return
        lang = detect_language(question)
        profile = make_profile(tier, industry, headcount, level, pains, selfcheck)
        note = profile_note(profile, lang)
        messages = list(messages) + [{"role": "user", "content": question}, {"role": "assistant", "content": note}]
        yield messages, f'<div class="src-note">{SOURCE_TEXT[lang]["waiting"]}</div>', history, answers, ""
        conversation = conversation_for(history)
        shown, sources, evidence, body = note, [], [], ""
        for event in conversation.stream(question, profile):
            if event.kind == "sources":
                sources = event.sources
                html = render_sources(event.contexts, card_metadata(sources, lang), lang,
                                      search_query=event.search_query, question=question)
                yield messages, html, history, answers, ""
            elif event.kind == "evidence":
                # The key passages, quoted, shown at once; under the answer being written they stay,
                # each once and none the answer already says.
                evidence = event.evidence or []
                messages[-1] = {"role": "assistant", "content": note + render_evidence(evidence, lang)}
                yield messages, gr.skip(), history, answers, ""
            elif event.kind == "body":
                # The answer's body, in the sources' own words, before the lead is written above it
                body = event.text
                messages[-1] = {"role": "assistant", "content": shown.rstrip("\n") + "\n\n" + body_to_come(body, shown)}
                yield messages, gr.skip(), history, answers, ""
            elif event.kind == "token":
                shown += event.text
                below = body_to_come(body, shown) if body else render_evidence(evidence, lang, shown)
                messages[-1] = {"role": "assistant", "content": shown + "\n\n" + below}
                yield messages, gr.skip(), history, answers, ""
            else:
                answer = event.answer
                # The answer complete, what it does not show of the evidence is folded under it.
                rest = render_evidence(evidence, lang, answer.answer, [q.text for q in answer.quoted], folded=True)
                messages[-1] = {"role": "assistant", "content": note + answer.answer + ("\n\n" + rest if rest else "")}
                html = render_sources(answer.contexts, card_metadata(sources, lang), lang, cited_set(answer),
                                      search_query=answer.search_query, question=question)
                answers = dict(answers, **{str(len(messages) - 1): answer.to_json()})
                yield messages, html, conversation.history, answers, ""

    def ask_json(question: str, history_json: str = "") -> dict:
        """For scripts: one question (optionally with earlier turns as JSON) -> the answer JSON."""
        history = parse_history(json.loads(history_json)) if history_json else []
        answer = None
        for event in conversation_for(history).stream(question):
            if event.kind == "done":
                answer = event.answer
        return answer.to_json()

    def on_like(data: gr.LikeData, answers, lang):
        answer = answers.get(str(data.index[0] if isinstance(data.index, (list, tuple)) else data.index))
        if answer is None:
            return TEXT[lang]["feedback_none"]
        feedback.add(1 if data.liked else -1, answer)
        return TEXT[lang]["feedback_saved"]

    def on_comment(comment, answers, lang):
        if not answers:
            return TEXT[lang]["feedback_none"], comment
        last = answers[max(answers, key=int)]
        feedback.add(0, last, comment or "")
        return TEXT[lang]["feedback_saved"], ""

    # ---------------------------------------------------------------- plan
    def plan(goal, tier, industry, headcount, level, pains, lang, selfcheck=None):
        profile = make_profile(tier, industry, headcount, level, pains, selfcheck)
        if profile is None:
            yield TEXT[lang]["need_tier"], None
            return
        text = ""
        for event in draft_plan(services.advisor, profile, goal or "", lang, selfcheck=selfcheck):
            if event.kind == "section":
                text += f"\n## {event.section.title}\n\n"
            elif event.kind == "token":
                text += event.text
            elif event.kind == "done":
                text = event.plan.to_markdown()
                yield text, [c.__dict__ for c in event.plan.sources]
                return
            yield text.strip(), None

    def export(markdown: str, kind: str, selfcheck=None):
        """Word export adds this session's self-check result (with its chart) after the plan."""
        if not (markdown or "").strip():
            return None
        folder = Path(tempfile.mkdtemp(prefix="plan-"))
        if kind == "docx":
            return str(export_docx(markdown, folder / "transformation-plan.docx", selfcheck))
        path = folder / "transformation-plan.md"
        path.write_text(markdown, encoding="utf-8")
        return str(path)

    # ---------------------------------------------------------------- knowledge base (admin)
    kb_admin = KnowledgeBaseAdmin(services, feedback)  # login limiter, uploads, changes behind the login
    login, logout, document_table = kb_admin.login, kb_admin.logout, kb_admin.document_table
    ingest, delete, rebuild = kb_admin.ingest, kb_admin.delete, kb_admin.rebuild
    export_feedback = kb_admin.export_feedback

    # ---------------------------------------------------------------- layout
    with gr.Blocks(title="Transformation Advisor · 制造业数字化转型顾问", analytics_enabled=False) as demo:
        lang = gr.State("zh")
        history, answers, is_admin = gr.State([]), gr.State({}), gr.State(False)
        with gr.Row():
            title = gr.Markdown(t0["title"])
            lang_radio = gr.Radio([("中文", "zh"), ("English", "en")], value="zh", label=t0["lang"], scale=0,
                                  min_width=200, elem_id="lang")
        with gr.Tabs():
            with gr.Tab(t0["tab_chat"], id="chat", elem_id="tab-chat") as tab_chat:
                with gr.Row():
                    with gr.Column(scale=3):
                        with gr.Accordion(t0["profile"], open=False, elem_id="profile") as profile_box:
                            with gr.Row():
                                tier = gr.Dropdown(TIER_CHOICES["zh"], value="", label=t0["tier"], elem_id="tier")
                                industry = gr.Textbox(label=t0["industry"], elem_id="industry")
                                headcount = gr.Number(None, label=t0["headcount"], precision=0, minimum=0)
                                level = gr.Dropdown(LEVEL_CHOICES["zh"], value=0, label=t0["level"])
                            pains = gr.Textbox(label=t0["pains"])
                            profile_priorities = gr.Markdown(elem_id="profile-priorities")
                        chatbot = gr.Chatbot(label="Chat", height=480, examples=[{"text": q} for q in EXAMPLES],
                                             placeholder=t0["chat_placeholder"], elem_id="chat",
                                             feedback_options=("Like", "Dislike"))
                        box = gr.Textbox(show_label=False, placeholder=t0["question"], elem_id="question",
                                         submit_btn=True)
                        with gr.Row():
                            clear = gr.Button(t0["new"], size="sm")
                            comment = gr.Textbox(show_label=False, placeholder=t0["comment"], scale=3)
                            send_comment = gr.Button(t0["send_comment"], size="sm")
                        feedback_status = gr.Markdown(elem_id="feedback-status")
                    with gr.Column(scale=2):
                        sources_html = gr.HTML(elem_id="sources")
            selfcheck = build_selfcheck_tab(services, lang, lang_radio, [tier, industry, headcount, level, pains],
                                            profile_priorities)
            with gr.Tab(t0["tab_plan"], id="plan", elem_id="tab-plan") as tab_plan:
                goal = gr.Textbox(label=t0["goal"], placeholder=t0["goal_placeholder"], elem_id="goal")
                draft_btn = gr.Button(t0["draft"], variant="primary", elem_id="draft")
                plan_md = gr.Textbox(label=t0["draft_text"], lines=24, max_lines=60, interactive=True,
                                     elem_id="plan-text")
                plan_sources = gr.JSON(visible=False)
                with gr.Row():
                    docx_btn = gr.Button(t0["export_docx"], elem_id="export-docx")
                    md_btn = gr.Button(t0["export_md"], elem_id="export-md")
                plan_file = gr.File(label="⇩", interactive=False, elem_id="plan-file")
            with gr.Tab(t0["tab_kb"], id="kb", elem_id="tab-kb") as tab_kb:
                with gr.Row():
                    user = gr.Textbox(label=t0["login_user"], elem_id="admin-user")
                    password = gr.Textbox(label=t0["login_password"], type="password", elem_id="admin-password")
                    login_btn = gr.Button(t0["login"], elem_id="login")
                    logout_btn = gr.Button(t0["logout"], size="sm")
                login_status = gr.Markdown(elem_id="login-status")
                with gr.Column(visible=False, elem_id="admin") as admin:
                    files = gr.File(label=t0["upload"], file_count="multiple", elem_id="upload",
                                    file_types=list(SUPPORTED_SUFFIXES))
                    ingest_btn = gr.Button(t0["ingest"], variant="primary", elem_id="ingest")
                    results = gr.Textbox(label=t0["results"], lines=4, interactive=False, elem_id="ingest-results")
                    docs = gr.Dataframe(headers=t0["cols"], label=t0["docs"], interactive=False, elem_id="docs",
                                        wrap=True)
                    with gr.Row():
                        doc_choice = gr.Dropdown([], label=t0["delete_doc"], elem_id="delete-choice")
                        delete_btn = gr.Button(t0["delete"], variant="stop", elem_id="delete")
                        rebuild_btn = gr.Button(t0["rebuild"])
                    with gr.Row():
                        export_fb = gr.Button(t0["export_feedback"])
                        fb_file = gr.File(interactive=False)

        profile_inputs = [tier, industry, headcount, level, pains]
        # Chat handlers past the first wait in the admission queue, where users see their place.
        chat_slots = admission.max_waiting + admission.slots if admission else 1
        box.submit(chat, [box, chatbot, history, answers] + profile_inputs + [selfcheck.state],
                   [chatbot, sources_html, history, answers, box], api_name="chat", concurrency_limit=chat_slots)

        def pick_example(selected: gr.SelectData) -> str:
            return selected.value["text"]

        chatbot.example_select(pick_example, None, box).then(
            chat, [box, chatbot, history, answers] + profile_inputs + [selfcheck.state],
            [chatbot, sources_html, history, answers, box],
            concurrency_limit=chat_slots)
        chatbot.like(on_like, [answers, lang], feedback_status, api_name=False)
        send_comment.click(on_comment, [comment, answers, lang], [feedback_status, comment], api_name=False)
        clear.click(lambda: ([], "", [], {}), None, [chatbot, sources_html, history, answers], api_name=False)
        hidden_q, hidden_h, hidden_out = gr.Textbox(visible=False), gr.Textbox(visible=False), gr.JSON(visible=False)
        hidden_q.submit(ask_json, [hidden_q, hidden_h], hidden_out, api_name="ask_json")

        draft_btn.click(plan, [goal] + profile_inputs + [lang, selfcheck.state], [plan_md, plan_sources], api_name="plan")
        docx_btn.click(lambda text, sc: export(text, "docx", sc), [plan_md, selfcheck.state], plan_file,
                       api_name="export_docx")
        md_btn.click(lambda text: export(text, "md"), plan_md, plan_file, api_name="export_md")

        login_btn.click(login, [user, password, lang], [is_admin, login_status, admin, docs], api_name=False).then(
            lambda ok, lg: document_table(lg)[1] if ok else gr.skip(), [is_admin, lang], doc_choice, api_name=False)
        logout_btn.click(logout, None, [is_admin, login_status, admin], api_name=False)
        ingest_btn.click(ingest, [files, is_admin, lang], [results, docs, doc_choice, files], api_name=False)
        delete_btn.click(delete, [doc_choice, is_admin, lang], [results, docs, doc_choice], api_name=False)
        rebuild_btn.click(rebuild, [is_admin, lang], [results, docs, doc_choice], api_name=False)
        export_fb.click(export_feedback, [is_admin, lang], fb_file, api_name=False)

        def relabel(new_lang):
            t = TEXT[new_lang]
            return [new_lang, t["title"], gr.update(label=t["tab_chat"]), gr.update(label=t["tab_plan"]),
                    gr.update(label=t["tab_kb"]), gr.update(label=t["profile"]),
                    gr.update(label=t["tier"], choices=TIER_CHOICES[new_lang]), gr.update(label=t["industry"]),
                    gr.update(label=t["headcount"]), gr.update(label=t["level"], choices=LEVEL_CHOICES[new_lang]),
                    gr.update(label=t["pains"]), gr.update(placeholder=t["question"]), gr.update(value=t["new"]),
                    gr.update(placeholder=t["comment"]), gr.update(value=t["send_comment"]),
                    gr.update(label=t["goal"], placeholder=t["goal_placeholder"]), gr.update(value=t["draft"]),
                    gr.update(label=t["draft_text"]), gr.update(value=t["export_docx"]),
                    gr.update(value=t["export_md"]), gr.update(label=t["login_user"]),
                    gr.update(label=t["login_password"]), gr.update(value=t["login"]), gr.update(value=t["logout"]),
                    gr.update(label=t["upload"]), gr.update(value=t["ingest"]), gr.update(label=t["results"]),
                    gr.update(label=t["docs"]), gr.update(label=t["delete_doc"]), gr.update(value=t["delete"]),
                    gr.update(value=t["rebuild"]), gr.update(value=t["export_feedback"])]

        lang_radio.change(relabel, lang_radio,
                          [lang, title, tab_chat, tab_plan, tab_kb, profile_box, tier, industry, headcount, level,
                           pains, box, clear, comment, send_comment, goal, draft_btn, plan_md, docx_btn, md_btn,
                           user, password, login_btn, logout_btn, files, ingest_btn, results, docs, doc_choice,
                           delete_btn, rebuild_btn, export_fb], api_name=False)
    return demo

