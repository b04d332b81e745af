"""The HTTP layer: one FastAPI application with the API (/v1, /healthz) and the Gradio app at /,
the admission queue in front of the model, and the thread that runs each answer. The advisor core
(app/answer/advisor.py, app/services.py …) never imports from here."""
