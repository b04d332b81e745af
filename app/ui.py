"""The Gradio app: the chat with streamed answers and source cards. The app holds no pipeline
logic: it calls the advisor through a per-session Conversation (history lives in gr.State, so
sessions never see each other's turns)."""

from __future__ import annotations

import json

import gradio as gr

from app.conversation import Conversation
from app.services import Services
from app.ui_sources import CARD_CSS, LABELS, card_metadata, cited_set, render_sources
from ingest.language import detect_language

EXAMPLES = [
    "指南从哪几个方面提出了数字化转型路径？",
    "我们是小微企业，预算很少，数字化转型应该从哪里入手？",
    "设备管理场景要达到三级，需要做到什么程度？",
    "How do the Guidelines differentiate strategies for leading firms, large enterprises and SMEs?",
]


def build_app(services: Services) -> gr.Blocks:
    settings = services.settings
    advisor = services.advisor

    def conversation_for(history: list[dict]) -> Conversation:
        return Conversation(advisor, settings.history_turns, settings.history_char_budget,
                            history=list(history), rewrite_mode=settings.rewrite_mode)

    def chat(question: str, messages: list[dict], history: list[dict]):
        question = (question or "").strip()
        if not question:
            yield messages, gr.skip(), history, ""
            return
        lang = detect_language(question)
        messages = list(messages) + [{"role": "user", "content": question}, {"role": "assistant", "content": ""}]
        yield messages, f'<div class="src-note">{LABELS[lang]["waiting"]}</div>', history, ""
        conversation = conversation_for(history)
        shown = ""
        sources = []
        for event in conversation.stream(question):
            if event.kind == "sources":
                sources = event.retrieval.sources
                html = render_sources(event.contexts, card_metadata(sources), lang, search_query=event.search_query,
                                      question=question)
                yield messages, html, history, ""
            elif event.kind == "token":
                shown += event.text
                messages[-1] = {"role": "assistant", "content": shown}
                yield messages, gr.skip(), history, ""
            else:
                answer = event.answer
                messages[-1] = {"role": "assistant", "content": answer.answer}
                html = render_sources(answer.contexts, card_metadata(sources), lang, cited_set(answer),
                                      search_query=answer.search_query, question=question)
                yield messages, html, conversation.history, ""

    def ask_json(question: str, history_json: str = "") -> dict:
        """For scripts: one question (optionally with earlier turns as JSON) -> the answer JSON."""
        from app.conversation import parse_history

        history = parse_history(json.loads(history_json)) if history_json else []
        answer = None
        for event in conversation_for(history).stream(question):
            if event.kind == "done":
                answer = event.answer
        return answer.to_json()

    with gr.Blocks(title="Transformation Advisor · 制造业数字化转型顾问", analytics_enabled=False) as demo:
        gr.Markdown("## 制造业数字化转型顾问 · Transformation Advisor\n"
                    "根据政策文件回答，每个结论都标注来源。Answers come from policy documents, with sources.")
        history = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Chat", height=520, examples=[{"text": q} for q in EXAMPLES],
                                     placeholder="问一个关于数字化转型的问题 · Ask about digital transformation",
                                     elem_id="chat")
                with gr.Row():
                    box = gr.Textbox(show_label=False, placeholder="输入问题 · Type your question", scale=5,
                                     elem_id="question", submit_btn=True)
                clear = gr.Button("新对话 · New conversation", size="sm")
            with gr.Column(scale=2):
                sources_html = gr.HTML(elem_id="sources")
        box.submit(chat, [box, chatbot, history], [chatbot, sources_html, history, box], api_name="chat")
        def pick_example(selected: gr.SelectData) -> str:
            return selected.value["text"]

        chatbot.example_select(pick_example, None, box).then(
            chat, [box, chatbot, history], [chatbot, sources_html, history, box])
        clear.click(lambda: ([], "", []), None, [chatbot, sources_html, history], api_name=False)
        hidden_q, hidden_h, hidden_out = gr.Textbox(visible=False), gr.Textbox(visible=False), gr.JSON(visible=False)
        hidden_q.submit(ask_json, [hidden_q, hidden_h], hidden_out, api_name="ask_json")
    return demo


def serve(services: Services, host: str | None = None, port: int | None = None, block: bool = True):
    settings = services.settings
    services.advisor.warm_up()
    demo = build_app(services)
    demo.queue(default_concurrency_limit=1)
    return demo.launch(server_name=host or settings.host, server_port=port or settings.port,
                       prevent_thread_lock=not block, show_error=False, css=CARD_CSS,
                       footer_links=["api"], enable_monitoring=False)
