"""The application: settings, models, the advisor, and its front ends (CLI, Gradio). The only
package that wires ingest/, retrieval/ and prompts/ together."""

import os

# Nothing leaves the machine: no telemetry from Chroma, Gradio, Hugging Face or PostHog.
for _name, _value in {
    "ANONYMIZED_TELEMETRY": "False",
    "CHROMA_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}.items():
    os.environ.setdefault(_name, _value)
