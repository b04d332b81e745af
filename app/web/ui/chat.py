"""The Gradio app: Ask (chat with an optional enterprise profile, streamed answers, source cards,
feedback; beside it the user's saved conversations, their own documents and, for consultants, their
clients), Plan draft (PDCA sections, editable, exported as Word or Markdown, versions saved to a
client) and Knowledge base (admins: the shared documents and the feedback to act on). The app holds
no pipeline logic: it calls the advisor, the plan drafter, the ingest pipeline and the storage
(through app/web/ui/workspace.py and app/web/ui/my_documents.py). Per-session data (history,
answers, login) lives in gr.State, so sessions never see each other's; saved work is the signed-in
user's (gr.Request.username), and every answer reads only the documents that user may read here
(the shared ones, their own, the current client's)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import gradio as gr

from app.answer.conversation import Conversation, parse_history
from app.answer.documents import DocumentError
from app.plan.drafts import draft_plan
from app.plan.export import export_docx
from app.answer.profile import EnterpriseProfile
from app.answer.readers import Reader
from app.document_access import DocumentAccess
from app.services import Services
from app.storage.stores import Stores
from app.web.auth import WebAuth
from app.web.ui.sources import body_to_come, card_metadata, cited_set, render_evidence, render_sources
from app.web.ui.admin import KnowledgeBaseAdmin
from app.web.ui.my_documents import MyDocuments
from app.web.ui.workspace import NO_CLIENT, Workspace, new_conversation_state
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


def build_app(services: Services, admission: AdmissionQueue | None = None, auth: WebAuth | None = None) -> gr.Blocks:
    """The Blocks; models load on first use (the web server warms them up in the background).
    With ``admission``, chat answers wait their turn in the queue shared with the HTTP API.
    ``auth``: who the user of each event is (the web server's; else one over the settings' database)."""
    settings = services.settings
    if auth is None:
        stores = getattr(services, "stores", None)
        auth = WebAuth(stores if stores is not None else Stores.open(settings), settings)
    access = DocumentAccess(services, auth.stores)
    ws = Workspace(auth.stores, auth, access)
    mine = MyDocuments(access, ws, settings)
    feedback = auth.stores.feedback
    t0 = TEXT["zh"]

    def conversation_for(history: list[dict], reader: Reader) -> Conversation:
        return Conversation.from_settings(access.advisor_for(reader), settings, history)

    # ---------------------------------------------------------------- chat
    def chat(question, messages, history, answers, tier="", industry="", headcount=None, level=0, pains="",
             selfcheck=None, documents=None, client=None, request: gr.Request = None):
        """``chat_answer`` after a turn in the admission queue, showing the user their place in line.
        It reads what the user of the event may read in the current client's workspace."""
        question = (question or "").strip()
        if not question:
            yield messages, gr.skip(), history, answers, ""
            return
        lang = detect_language(question)
        profile_values = (tier, industry, headcount, level, pains, selfcheck, documents)
        reader = mine.reader(client, lang, request)
        if admission is None:
            yield from chat_answer(question, messages, history, answers, *profile_values, reader=reader)
            return
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
            yield from chat_answer(question, messages, history, answers, *profile_values, reader=reader)

    def chat_answer(question, messages, history, answers, tier, industry, headcount, level, pains, selfcheck=None,
                    documents=None, *, reader: Reader):
        """``documents``: the doc ids picked in the chat (none: every document ``reader`` may read)."""
        question = (question or "").strip()
        if not question:
            yield messages, gr.skip(), history, answers, ""
            return
        lang = detect_language(question)
        profile = make_profile(tier, industry, headcount, level, pains, selfcheck)
        note = profile_note(profile, lang)
        messages = list(messages) + [{"role": "user", "content": question}, {"role": "assistant", "content": note}]
        yield messages, f'<div class="src-note">{SOURCE_TEXT[lang]["waiting"]}</div>', history, answers, ""
        conversation = conversation_for(history, reader)
        try:
            yield from chat_events(conversation, question, profile, documents, lang, messages, history, answers, note)
        except DocumentError as exc:  # a picked document was removed meanwhile
            messages[-1] = {"role": "assistant", "content": exc.describe(lang)}
            yield messages, "", history, answers, ""

    def chat_events(conversation, question, profile, documents, lang, messages, history, answers, note):
        """The page's updates while the answer comes: sources, evidence, body, the text, the end."""
        shown, sources, evidence, body = note, [], [], ""
        for event in conversation.stream(question, profile, documents or None):
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

    def ask_json(question: str, history_json: str = "", request: gr.Request = None) -> dict:
        """For scripts: one question (optionally with earlier turns as JSON) -> the answer JSON, from
        what the user of the event may read."""
        history = parse_history(json.loads(history_json)) if history_json else []
        answer = None
        for event in conversation_for(history, mine.reader(None, "en", request)).stream(question):
            if event.kind == "done":
                answer = event.answer
        return answer.to_json()

    def on_like(data: gr.LikeData, answers, lang, request: gr.Request = None):
        answer = answers.get(str(data.index[0] if isinstance(data.index, (list, tuple)) else data.index))
        if answer is None:
            return TEXT[lang]["feedback_none"]
        feedback.add(1 if data.liked else -1, answer, user_id=ws.user(request, lang).id)
        return TEXT[lang]["feedback_saved"]

    def on_comment(comment, answers, lang, request: gr.Request = None):
        if not answers:
            return TEXT[lang]["feedback_none"], comment
        last = answers[max(answers, key=int)]
        feedback.add(0, last, comment or "", user_id=ws.user(request, lang).id)
        return TEXT[lang]["feedback_saved"], ""

    document_choices = mine.picker  # the picker: what the user may read here, their own first

    # ---------------------------------------------------------------- plan
    def plan(goal, tier, industry, headcount, level, pains, lang, selfcheck=None, client=None,
             request: gr.Request = None):
        profile = make_profile(tier, industry, headcount, level, pains, selfcheck)
        if profile is None:
            yield TEXT[lang]["need_tier"], None
            return
        text = ""
        advisor = access.advisor_for(mine.reader(client, lang, request))
        for event in draft_plan(advisor, profile, goal or "", lang, selfcheck=selfcheck):
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
    kb_admin = KnowledgeBaseAdmin(services, feedback, auth=auth, documents=access)  # login limiter, uploads, changes behind an admin
    login, logout, document_table = kb_admin.login, kb_admin.logout, kb_admin.document_table
    ingest, delete, rebuild = kb_admin.ingest, kb_admin.delete, kb_admin.rebuild
    export_feedback = kb_admin.export_feedback

    # ---------------------------------------------------------------- saved work (gr.Request: the user)
    def export_md(conversation_id, lang, request: gr.Request = None):
        return ws.export(conversation_id, "md", lang, request)

    def export_docx_file(conversation_id, lang, request: gr.Request = None):
        return ws.export(conversation_id, "docx", lang, request)

    def feedback_csv(since, until, document, is_admin, lang, request: gr.Request = None):
        return kb_admin.feedback_file("csv", since, until, document, is_admin, lang, request)

    def feedback_eval(since, until, document, is_admin, lang, request: gr.Request = None):
        return kb_admin.feedback_file("eval", since, until, document, is_admin, lang, request)

    # ---------------------------------------------------------------- layout
    with gr.Blocks(title="Transformation Advisor · 制造业数字化转型顾问", analytics_enabled=False) as demo:
        lang = gr.State("zh")
        history, answers, is_admin = gr.State([]), gr.State({}), gr.State(False)
        conversation, client = gr.State(new_conversation_state()), gr.State(None)  # the open conversation, client
        with gr.Row():
            title = gr.Markdown(t0["title"])
            account_bar = gr.HTML(elem_id="account", scale=0, min_width=200)
            lang_radio = gr.Radio([("中文", "zh"), ("English", "en")], value="zh", label=t0["lang"], scale=0,
                                  min_width=200, elem_id="lang")
        with gr.Tabs():
            with gr.Tab(t0["tab_chat"], id="chat", elem_id="tab-chat") as tab_chat:
                with gr.Row():
                    with gr.Column(scale=1, min_width=240, elem_id="workspace"):
                        with gr.Group(visible=False, elem_id="clients") as client_box:
                            client_choice = gr.Dropdown([(t0["cl_none"], NO_CLIENT)], value=NO_CLIENT,
                                                        label=t0["cl_choice"], elem_id="client-choice")
                            client_name = gr.Textbox(label=t0["cl_name"], elem_id="client-name")
                            with gr.Row():
                                client_create = gr.Button(t0["cl_create"], size="sm", elem_id="client-create")
                                client_save = gr.Button(t0["cl_save_profile"], size="sm", elem_id="client-save")
                            with gr.Row():
                                client_rename = gr.Button(t0["cl_rename"], size="sm", elem_id="client-rename")
                                client_delete = gr.Button(t0["cl_delete"], size="sm", variant="stop", elem_id="client-delete")
                        conv_heading = gr.Markdown(f"**{t0['ws_heading']}**")
                        conv_search = gr.Textbox(label=t0["ws_search"], elem_id="conv-search")
                        conv_list = gr.Radio([], label=t0["ws_list"], elem_id="conversations")
                        conv_title = gr.Textbox(label=t0["ws_title"], elem_id="conv-title")
                        with gr.Row():
                            conv_rename = gr.Button(t0["ws_rename"], size="sm", elem_id="conv-rename")
                            conv_delete = gr.Button(t0["ws_delete"], size="sm", variant="stop", elem_id="conv-delete")
                        with gr.Row():
                            conv_md = gr.Button(t0["ws_export_md"], size="sm", elem_id="conv-export-md")
                            conv_docx = gr.Button(t0["ws_export_docx"], size="sm", elem_id="conv-export-docx")
                        conv_file = gr.File(label="⇩", interactive=False, elem_id="conv-file")
                        ws_status = gr.Markdown(elem_id="ws-status")
                        with gr.Accordion(t0["keys_heading"], open=False, elem_id="api-keys") as keys_box:
                            key_label = gr.Textbox(label=t0["keys_label"], elem_id="key-label")
                            key_create = gr.Button(t0["keys_create"], size="sm", elem_id="key-create")
                            key_new = gr.Textbox(label=t0["keys_new"], visible=False, interactive=False,
                                                 elem_id="key-new", buttons=["copy"])
                            keys_md = gr.Markdown(elem_id="keys")
                            key_which = gr.Textbox(label=t0["keys_revoke"], elem_id="key-which")
                            key_revoke = gr.Button(t0["keys_revoke_btn"], size="sm", elem_id="key-revoke")
                    with gr.Column(scale=3):
                        with gr.Accordion(t0["profile"], open=False, elem_id="profile") as profile_box:
                            with gr.Row():
                                tier = gr.Dropdown(TIER_CHOICES["zh"], value="", label=t0["tier"], elem_id="tier")
                                industry = gr.Textbox(label=t0["industry"], elem_id="industry")
                                headcount = gr.Number(None, label=t0["headcount"], precision=0, minimum=0)
                                level = gr.Dropdown(LEVEL_CHOICES["zh"], value=0, label=t0["level"])
                            pains = gr.Textbox(label=t0["pains"])
                            profile_priorities = gr.Markdown(elem_id="profile-priorities")
                        doc_scope = gr.Dropdown([], value=[], multiselect=True, label=t0["documents"],
                                                elem_id="documents")
                        with gr.Accordion(t0["my_docs"], open=False, elem_id="my-documents") as my_box:
                            my_files = gr.File(label=t0["my_upload"], file_count="multiple", elem_id="my-upload",
                                               file_types=list(SUPPORTED_SUFFIXES))
                            my_upload = gr.Button(t0["my_upload_btn"], size="sm", elem_id="my-upload-btn")
                            my_results = gr.Textbox(label=t0["my_results"], lines=2, interactive=False,
                                                    elem_id="my-results")
                            with gr.Row():
                                my_choice = gr.Dropdown([], label=t0["my_delete_choice"], elem_id="my-choice")
                                my_delete = gr.Button(t0["my_delete"], size="sm", variant="stop", elem_id="my-delete")
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
                                            profile_priorities, client,
                                            lambda cid, lg, req: access.advisor_for(mine.reader(cid, lg, req)))
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
                with gr.Row(visible=False, elem_id="plan-versions-box") as plan_box:
                    plan_note = gr.Textbox(label=t0["pl_note"], elem_id="plan-note")
                    plan_save = gr.Button(t0["pl_save"], elem_id="plan-save")
                    plan_versions = gr.Dropdown([], label=t0["pl_versions"], elem_id="plan-versions")
                plan_status = gr.Markdown(elem_id="plan-status")
            with gr.Tab(t0["tab_kb"], id="kb", elem_id="tab-kb") as tab_kb:
                with gr.Row() as kb_login_row:
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
                    with gr.Accordion(t0["fb_heading"], open=True, elem_id="feedback-admin") as fb_box:
                        with gr.Row():
                            fb_since = gr.Textbox(label=t0["fb_since"], elem_id="fb-since")
                            fb_until = gr.Textbox(label=t0["fb_until"], elem_id="fb-until")
                            fb_document = gr.Dropdown([""], value="", label=t0["fb_document"], elem_id="fb-document")
                        with gr.Row():
                            fb_show = gr.Button(t0["fb_show"], elem_id="fb-show")
                            fb_csv = gr.Button(t0["fb_export_csv"], elem_id="fb-csv")
                            fb_eval = gr.Button(t0["fb_export_eval"], elem_id="fb-eval")
                        fb_table = gr.Dataframe(headers=t0["fb_cols"], interactive=False, wrap=True,
                                                elem_id="feedback-table")
                        fb_out = gr.File(interactive=False, elem_id="fb-file")

        profile_inputs = [tier, industry, headcount, level, pains]
        # Chat handlers past the first wait in the admission queue, where users see their place.
        chat_slots = admission.max_waiting + admission.slots if admission else 1
        # After each answer the turns not stored yet are stored under the user (and the current client).
        save_inputs = [answers, conversation, client, conv_search, lang, doc_scope]
        save_outputs = [conversation, conv_list]
        chat_inputs = [box, chatbot, history, answers] + profile_inputs + [selfcheck.state, doc_scope, client]
        box.submit(chat, chat_inputs,
                   [chatbot, sources_html, history, answers, box], api_name="chat", concurrency_limit=chat_slots
                   ).success(ws.save_turns, save_inputs, save_outputs, api_name=False, concurrency_limit=None)

        def pick_example(selected: gr.SelectData) -> str:
            return selected.value["text"]

        chatbot.example_select(pick_example, None, box).then(
            chat, chat_inputs,
            [chatbot, sources_html, history, answers, box],
            concurrency_limit=chat_slots).success(ws.save_turns, save_inputs, save_outputs, api_name=False,
                                                  concurrency_limit=None)
        chatbot.like(on_like, [answers, lang], feedback_status, api_name=False)
        send_comment.click(on_comment, [comment, answers, lang], [feedback_status, comment], api_name=False)
        new_chat_outputs = [chatbot, sources_html, history, answers, conversation, conv_list]
        clear.click(ws.new_chat, None, new_chat_outputs, api_name=False)

        # saved conversations and clients (every list is read from the database: a reload loses nothing)
        quick = {"api_name": False, "concurrency_limit": None}
        demo.load(ws.page_load, lang, [account_bar, is_admin, admin, kb_login_row, client_box, plan_box,
                                       selfcheck.save_btn, client_choice, conv_list], **quick).then(
            lambda ok, lg: document_table(lg) if ok else (gr.skip(), gr.skip()), [is_admin, lang], [docs, doc_choice],
            **quick)
        demo.load(ws.list_keys, lang, keys_md, **quick)
        demo.load(document_choices, [doc_scope, client], doc_scope, **quick)
        demo.load(mine.own_choices, [client, lang], my_choice, **quick)
        my_upload.click(mine.upload_own, [my_files, client, lang], [my_results, my_choice, my_files],
                        api_name=False).then(document_choices, [doc_scope, client], doc_scope, **quick)
        my_delete.click(mine.delete_own, [my_choice, client, lang], [my_results, my_choice], api_name=False).then(
            document_choices, [doc_scope, client], doc_scope, **quick)
        conv_search.change(ws.search, [conv_search, client, lang], conv_list, **quick)
        conv_list.input(ws.open, [conv_list, lang],
                        [chatbot, history, answers, conversation, sources_html, conv_title, doc_scope], **quick).then(
            document_choices, [doc_scope, client], doc_scope, **quick)
        conv_rename.click(ws.rename, [conv_list, conv_title, client, conv_search, lang], [conv_list, ws_status], **quick)
        conv_delete.click(ws.delete, [conv_list, conversation, client, conv_search, lang],
                          [conv_list, chatbot, history, answers, conversation, ws_status], **quick)
        conv_md.click(export_md, [conv_list, lang], [conv_file, ws_status], **quick)
        conv_docx.click(export_docx_file, [conv_list, lang], [conv_file, ws_status], **quick)
        def documents_here(event):
            """After a change of client: the picker and the own documents of the new workspace."""
            return event.then(document_choices, [doc_scope, client], doc_scope, **quick).then(
                mine.own_choices, [client, lang], my_choice, **quick)

        documents_here(client_choice.input(ws.select_client, [client_choice, lang],
                                           [client] + profile_inputs + [conv_list, plan_versions, ws_status,
                                                                        selfcheck.report], **quick).then(
            ws.new_chat, None, new_chat_outputs, **quick))
        documents_here(client_create.click(ws.create_client, [client_name] + profile_inputs + [lang],
                                           [client_choice, client, conv_list, ws_status, client_name], **quick).success(
            ws.new_chat, None, new_chat_outputs, **quick).then(
            lambda: gr.update(choices=[], value=None), None, plan_versions, **quick))
        client_save.click(ws.save_profile, [client] + profile_inputs + [lang], ws_status, **quick)
        client_rename.click(ws.rename_client, [client, client_name, lang], [client_choice, ws_status, client_name], **quick)
        documents_here(client_delete.click(ws.delete_client, [client, lang],
                                           [client_choice, client, conv_list, plan_versions, ws_status], **quick))
        selfcheck.save_btn.click(ws.save_selfcheck, [client, selfcheck.state, lang], selfcheck.status, **quick)
        plan_save.click(ws.save_plan, [client, plan_md, goal, plan_sources, plan_note, lang], [plan_versions, plan_status],
                        **quick)
        plan_versions.input(ws.open_plan, [client, plan_versions, lang], [plan_md, goal, plan_sources, plan_status],
                            **quick)
        key_create.click(ws.create_key, [key_label, lang], [key_new, keys_md], **quick)
        key_revoke.click(ws.revoke_key, [key_which, lang], [keys_md, ws_status], **quick)
        fb_show.click(kb_admin.feedback_table, [fb_since, fb_until, fb_document, is_admin, lang], [fb_table, fb_document],
                      **quick)
        fb_csv.click(feedback_csv, [fb_since, fb_until, fb_document, is_admin, lang], fb_out, **quick)
        fb_eval.click(feedback_eval, [fb_since, fb_until, fb_document, is_admin, lang], fb_out, **quick)
        hidden_q, hidden_h, hidden_out = gr.Textbox(visible=False), gr.Textbox(visible=False), gr.JSON(visible=False)
        hidden_q.submit(ask_json, [hidden_q, hidden_h], hidden_out, api_name="ask_json")

        draft_btn.click(plan, [goal] + profile_inputs + [lang, selfcheck.state, client], [plan_md, plan_sources],
                        api_name="plan")
        docx_btn.click(lambda text, sc: export(text, "docx", sc), [plan_md, selfcheck.state], plan_file,
                       api_name="export_docx")
        md_btn.click(lambda text: export(text, "md"), plan_md, plan_file, api_name="export_md")

        login_btn.click(login, [user, password, lang], [is_admin, login_status, admin, docs], api_name=False).then(
            lambda ok, lg: document_table(lg)[1] if ok else gr.skip(), [is_admin, lang], doc_choice, api_name=False)
        logout_btn.click(logout, None, [is_admin, login_status, admin], api_name=False)
        ingest_btn.click(ingest, [files, is_admin, lang], [results, docs, doc_choice, files], api_name=False).then(
            document_choices, [doc_scope, client], doc_scope, **quick)
        delete_btn.click(delete, [doc_choice, is_admin, lang], [results, docs, doc_choice], api_name=False).then(
            document_choices, [doc_scope, client], doc_scope, **quick)
        rebuild_btn.click(rebuild, [is_admin, lang], [results, docs, doc_choice], api_name=False).then(
            document_choices, [doc_scope, client], doc_scope, **quick)
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
                    gr.update(value=t["rebuild"]), gr.update(value=t["export_feedback"]),
                    gr.update(label=t["documents"])]

        lang_radio.change(relabel, lang_radio,
                          [lang, title, tab_chat, tab_plan, tab_kb, profile_box, tier, industry, headcount, level,
                           pains, box, clear, comment, send_comment, goal, draft_btn, plan_md, docx_btn, md_btn,
                           user, password, login_btn, logout_btn, files, ingest_btn, results, docs, doc_choice,
                           delete_btn, rebuild_btn, export_fb, doc_scope], api_name=False)

        def relabel_workspace(new_lang):
            t = TEXT[new_lang]
            return [gr.update(label=t["cl_choice"]), gr.update(label=t["cl_name"]), gr.update(value=t["cl_create"]),
                    gr.update(value=t["cl_save_profile"]), gr.update(value=t["cl_rename"]), gr.update(value=t["cl_delete"]),
                    f"**{t['ws_heading']}**", gr.update(label=t["ws_search"]),
                    gr.update(label=t["ws_list"]), gr.update(label=t["ws_title"]), gr.update(value=t["ws_rename"]),
                    gr.update(value=t["ws_delete"]), gr.update(value=t["ws_export_md"]),
                    gr.update(value=t["ws_export_docx"]), gr.update(label=t["keys_heading"]),
                    gr.update(label=t["keys_label"]), gr.update(value=t["keys_create"]), gr.update(label=t["keys_new"]),
                    gr.update(label=t["keys_revoke"]), gr.update(value=t["keys_revoke_btn"]),
                    gr.update(label=t["pl_note"]), gr.update(value=t["pl_save"]), gr.update(label=t["pl_versions"]),
                    gr.update(label=t["fb_heading"]), gr.update(label=t["fb_since"]), gr.update(label=t["fb_until"]),
                    gr.update(label=t["fb_document"]), gr.update(value=t["fb_show"]),
                    gr.update(value=t["fb_export_csv"]), gr.update(value=t["fb_export_eval"]),
                    gr.update(headers=t["fb_cols"]), gr.update(label=t["my_docs"]), gr.update(label=t["my_upload"]),
                    gr.update(value=t["my_upload_btn"]), gr.update(label=t["my_results"]),
                    gr.update(label=t["my_delete_choice"]), gr.update(value=t["my_delete"])]

        lang_radio.change(relabel_workspace, lang_radio,
                          [client_choice, client_name, client_create, client_save, client_rename, client_delete,
                           conv_heading, conv_search, conv_list,
                           conv_title, conv_rename, conv_delete, conv_md, conv_docx, keys_box, key_label, key_create,
                           key_new, key_which, key_revoke, plan_note, plan_save, plan_versions, fb_box, fb_since,
                           fb_until, fb_document, fb_show, fb_csv, fb_eval, fb_table, my_box, my_files, my_upload,
                           my_results, my_choice, my_delete], api_name=False)
    return demo

