"""A tiny Qwen2-architecture model with random weights and its own character-level tokenizer,
saved as safetensors: the transformers back end loads and runs it in milliseconds, so tests can
drive the whole answer path (prompt, chat template, streaming) without the real 1.5B model."""

from __future__ import annotations

from pathlib import Path

SPECIAL = ["<|im_start|>", "<|im_end|>", "<unk>", "system", "user", "assistant", "\n"]
CHAT_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
                 "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def build_tiny_qwen(folder: Path, characters: str, max_positions: int = 128) -> list[str]:
    """Write the model and tokenizer to ``folder``; every character of ``characters`` is a token,
    anything else is <unk>. Returns the vocabulary. ``max_positions`` bounds the prompt length."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    words = SPECIAL + [c for c in dict.fromkeys(characters) if c not in SPECIAL]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split("", "isolated")
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", eos_token="<|im_end|>",
                                   pad_token="<|im_end|>")
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(folder)
    config = Qwen2Config(vocab_size=len(words), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=max_positions,
                         eos_token_id=1, pad_token_id=1)
    Qwen2ForCausalLM(config).save_pretrained(folder)
    return words
