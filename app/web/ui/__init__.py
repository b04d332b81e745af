"""The Gradio pages: chat, sources, self-check, admin."""
