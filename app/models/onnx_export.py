"""ONNX Runtime copies of a sentence-transformers model, built once into the model cache by
``advisor setup`` and never at run time.

sentence-transformers' own ONNX backend (``backend="onnx"``, ``export_dynamic_quantized_onnx_model``)
needs Optimum, and no Optimum release works with transformers 5 (optimum-onnx 0.1.0 requires
transformers < 4.58; sentence-transformers 6 requires >= 5), so the same three steps are done with the
libraries Optimum itself drives:

1. ``torch.onnx.export`` of the whole sentence-transformers pipeline (encoder, pooling, normalization)
   as one graph, loaded with eager attention so that step 2 recognises it;
2. ONNX Runtime's transformer optimizer fuses attention, bias+GELU and skip+layer-norm (the
   ``onnx`` backend, fp32);
3. ONNX Runtime's dynamic quantization, int8 weights per output channel (the ``onnx-int8`` backend;
   per-tensor scales lost too much: cosine 0.985 against fp32 instead of 0.997).

Each backend gets its own folder (``model.onnx``, the tokenizer, ``export.json``), written under a
temporary name and renamed when complete: a half-written export never has the final name.
``export.json`` records what it was built from, so an export is rebuilt only when its source changes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
import warnings
from pathlib import Path

from app.models.wheels import ModelSetupError

ONNX_BACKENDS = ("onnx", "onnx-int8")
MARKER = "export.json"
MODEL_FILE = "model.onnx"
RECIPE = 1  # bump when the steps above change: older exports are then rebuilt by `advisor setup`
STALE_PARTIAL_S = 3600  # a temporary folder this old is no other process's build in progress


def export_dir(source: str, backend: str, cache_dir: Path) -> Path:
    key = hashlib.sha256(source.encode()).hexdigest()[:8]
    return cache_dir / "models" / f"{Path(source).name}-{key}.{backend}"


def source_fingerprint(source: str) -> str:
    """Names, sizes and modification times of the model folder's files (or the model name when it is
    not a folder): changes when the model is rebuilt or replaced."""
    folder = Path(source)
    if not folder.is_dir():
        return source
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _problem(folder: Path, source: str) -> str | None:
    """Why the export in ``folder`` cannot be used, or None when it can."""
    try:
        info = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "it has not been built"
    except (OSError, ValueError) as exc:
        return f"its {MARKER} is unreadable ({exc})"
    model = folder / MODEL_FILE
    if info.get("recipe") != RECIPE:
        return "it was built by an older recipe"
    if info.get("source_fingerprint") != source_fingerprint(source):
        return "the model it was built from has changed"
    if not model.is_file() or model.stat().st_size != info.get("bytes"):
        return f"{model.name} is missing or not the size recorded"
    return None


def find_onnx_export(source: str, backend: str, cache_dir: Path) -> Path:
    """The folder of a usable export; a clear error when there is none (nothing is built here)."""
    folder = export_dir(source, backend, cache_dir)
    problem = _problem(folder, source)
    if problem:
        raise ModelSetupError(f"the {backend} export of the embedding model ({folder}) cannot be used: {problem}. "
                              "Run `advisor setup` to build it once, or set ADVISOR_EMBEDDING_BACKEND=torch")
    return folder


def ensure_onnx_export(source: str, backend: str, cache_dir: Path) -> Path:
    """The folder of the ``backend`` export of the sentence-transformers model ``source``, built when
    it is missing or stale (about a minute on 2 cores for the default model)."""
    if backend not in ONNX_BACKENDS:
        raise ValueError(f"no ONNX export for backend {backend!r}; one of {', '.join(ONNX_BACKENDS)}")
    folder = export_dir(source, backend, cache_dir)
    if _problem(folder, source) is None:
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    for stale in folder.parent.glob(folder.name + ".partial-*"):  # left by a build that was killed
        if time.time() - stale.stat().st_mtime > STALE_PARTIAL_S:
            shutil.rmtree(stale, ignore_errors=True)
    partial = Path(tempfile.mkdtemp(prefix=folder.name + ".partial-", dir=folder.parent))
    partial.chmod(0o755)
    try:
        info = _build(source, backend, partial)
        (partial / MARKER).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    except Exception as exc:
        raise ModelSetupError(f"building the {backend} export of the embedding model {source} failed "
                              f"({exc.__class__.__name__}: {exc}); set ADVISOR_EMBEDDING_BACKEND=torch to run "
                              "without it") from exc
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def _build(source: str, backend: str, out: Path) -> dict:
    """The three steps, each in a function of its own so that the previous one's models are freed
    (peak memory: the exported, fused and quantized copies are never all held at once)."""
    import onnxruntime
    import torch

    started = time.perf_counter()
    info = {"recipe": RECIPE, "backend": backend, "source": source, "source_fingerprint": source_fingerprint(source)}
    exported, fused, target = out / "exported.onnx", out / "fused.onnx", out / MODEL_FILE
    heads, hidden = _export(source, exported, out, info)
    _fuse(exported, fused if backend == "onnx-int8" else target, heads, hidden)
    exported.unlink()
    info["quantization"] = None
    if backend == "onnx-int8":
        info["quantization"] = {"weights": "int8", "per_channel": True, "reduce_range": _needs_reduced_range()}
        _quantize(fused, target, info["quantization"]["reduce_range"])
        fused.unlink()
    return info | {"bytes": target.stat().st_size, "torch": torch.__version__, "onnxruntime": onnxruntime.__version__,
                   "build_seconds": round(time.perf_counter() - started, 1)}


def _export(source: str, path: Path, out: Path, info: dict) -> tuple[int, int]:
    """Step 1, and the tokenizer beside it; returns the attention heads and hidden size for step 2."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(source, device="cpu", model_kwargs={"attn_implementation": "eager"})
    sample = model.preprocess(["passage: 样例 sample", "query: 两个不同长度的句子 two sentences of different lengths"])
    names = [k for k, v in sample.items() if isinstance(v, torch.Tensor)]
    rest = {k: v for k, v in sample.items() if k not in names}

    class Pipeline(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, *tensors):
            return self.model(dict(zip(names, tensors), **rest))["sentence_embedding"]

    axes = {n: {0: "batch", 1: "sequence"} for n in names} | {"sentence_embedding": {0: "batch"}}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on shape checks that hold for every input here
        torch.onnx.export(Pipeline().eval(), tuple(sample[n] for n in names), str(path), dynamo=False,
                          input_names=names, output_names=["sentence_embedding"], dynamic_axes=axes, opset_version=17)
    model.tokenizer.save_pretrained(str(out))
    dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    info.update(inputs=names, max_seq_length=model.max_seq_length, dimension=dimension(),
                pad_token=model.tokenizer.pad_token, pad_id=model.tokenizer.pad_token_id)
    config = model.transformers_model.config
    return getattr(config, "num_attention_heads", 0), getattr(config, "hidden_size", 0)


def _fuse(source: Path, target: Path, heads: int, hidden: int) -> None:
    """Step 2 (0 heads / hidden size: let the optimizer find them)."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimize_model(str(source), model_type="bert", num_heads=heads, hidden_size=hidden,
                   opt_level=0).save_model_to_file(str(target))


def _quantize(source: Path, target: Path, reduce_range: bool) -> None:
    """Step 3. The fused operators' outputs have no type the quantizer can infer: they are float."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True, reduce_range=reduce_range,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def _needs_reduced_range() -> bool:
    """x86 CPUs without VNNI multiply u8 by s8 in int16 pairs that can saturate: 7-bit weights avoid
    it (ONNX Runtime's advice). The export is built on the machine that runs it."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " avx2" in flags and "vnni" not in flags
