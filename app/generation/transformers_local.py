"""Models in the transformers format (safetensors folders, or a GGUF through transformers' own
loader). Slower than llama.cpp on CPU; here for models llama.cpp cannot run."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator

from ingest.embedding import COMPUTE_LOCK
from app.generation.base import GenerationError
from app.generation.cancel import raise_if_cancelled


class TransformersGenerator:
    def __init__(self, model_path: Path, temperature: float = 0.0, seed: int = 42, n_threads: int = 2):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        path = Path(model_path)
        kwargs = {}
        if path.suffix == ".gguf":
            kwargs["gguf_file"] = path.name
            path = path.parent
        if not path.exists():
            raise GenerationError(f"transformers model not found: {model_path}")
        torch.set_num_threads(n_threads)
        self.name = Path(model_path).name
        self.temperature = temperature
        self.seed = seed
        self.tokenizer = AutoTokenizer.from_pretrained(str(path), **kwargs)
        self.model = AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32, **kwargs)
        self.model.eval()

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        import torch
        from transformers import StoppingCriteriaList, TextIteratorStreamer

        inputs = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                    return_dict=True)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        sampling = {"do_sample": True, "temperature": self.temperature} if self.temperature > 0 else {"do_sample": False}
        failure: list[BaseException] = []
        stop = threading.Event()  # set when the caller stops reading: generation ends at the next token

        def stop_requested(input_ids, scores, **kwargs):
            return torch.full((input_ids.shape[0],), stop.is_set(), dtype=torch.bool)

        def run():
            try:
                torch.manual_seed(self.seed)
                with torch.no_grad():
                    self.model.generate(**inputs, max_new_tokens=max_tokens, streamer=streamer,
                                        pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
                                        stopping_criteria=StoppingCriteriaList([stop_requested]), **sampling)
            except BaseException as exc:  # surfaced in the caller's thread below
                failure.append(exc)
                streamer.on_finalized_text("", stream_end=True)

        with COMPUTE_LOCK:
            worker = threading.Thread(target=run, daemon=True)
            worker.start()
            try:
                for text in streamer:
                    raise_if_cancelled()
                    if text:
                        yield text
            finally:  # closed or cancelled early too: the lock is released only once the model stopped
                stop.set()
                worker.join()
        if failure:
            raise GenerationError(f"generation failed: {failure[0]}")

    def warm_up(self, system_prompt: str) -> None:
        return None
