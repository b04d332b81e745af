"""Does ingest keep up with embedding? In one run, on real documents:

- end-to-end ingest: ``Services.ingest`` (what ``advisor ingest`` runs: repair, load and chunk in
  the background, embed, Chroma, the lexical index) into a fresh data dir, in a fresh child process
  whose peak resident memory is ``peak_rss_gb``; the corpus is the first N articles of
  ../shared/eval/crud_news_part_1_1.txt, one .txt file per article, plus every PDF of
  ../shared/fixtures/real_pdfs (the three bad ones are refused, which is part of the work);
- raw embedding: ``embed_passages`` of the default embedder (the settings' model and backend) on
  exactly the chunk texts that ingest embedded, read back from the index, in one call.

Ingest and raw embedding alternate ``--rounds`` times (each ingest into a fresh data dir) and each
counts with its best run: on a machine shared with other jobs the speed drifts over minutes.
Everything is timed with the model loaded and warmed up. ``ingest_vs_raw`` = end-to-end chars/s ÷ raw embedding
chars/s over the same documents' characters (= raw seconds ÷ ingest seconds).

    python -m bench.ingest [--articles N] [--rounds R] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NEWS = SHARED / "eval/crud_news_part_1_1.txt"
PDFS = SHARED / "fixtures/real_pdfs"
DEFAULT_ARTICLES = 100  # 71k characters of news + 67k of PDF text: 4 passes of ~1-3 min each on 2 cores


def _services(data_dir: Path):
    from app.services import Services
    from app.settings import Settings

    services = Services(Settings(data_dir=data_dir))
    services.embedder.embed_passages(["warm up 预热"])
    return services


def ingest_in_child(paths: list[Path], data_dir: Path) -> dict:
    """Runs in a fresh process: the ingest, timed, and this process's peak resident memory."""
    services = _services(data_dir)
    progress = {}
    start = time.perf_counter()
    results = services.ingest(paths, on_progress=lambda done, total: progress.update(done=done, total=total))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "chars": progress["total"], "chunks": sum(r.chunks for r in results),
            "statuses": [r.status for r in results], "lines": [r.line() for r in results],
            "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2}


def ingest_fresh(paths: list[Path], data_dir: Path) -> dict:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        return child.submit(ingest_in_child, paths, data_dir).result()


def measure(work: Path, count: int, rounds: int) -> dict:
    """``rounds`` times: ingest into a fresh data dir, then the raw embedding; each counts with its
    best (least disturbed) run: on a machine shared with other jobs the speed drifts over minutes."""
    news = work / "news"
    news.mkdir()
    articles = [line for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()][:count]
    for i, text in enumerate(articles):
        (news / f"news-{i:04d}.txt").write_text(text, encoding="utf-8")
    from ingest.chunking import index_text

    load_before = os.getloadavg()[0]
    ingests, raw_runs, services, texts = [], [], None, []
    for n in range(rounds):
        ingests.append(ingest_fresh([news, PDFS], work / f"data-{n}"))
        if services is None:
            services = _services(work / "data-0")
            chunks = sorted(services.store.all_chunks(),
                            key=lambda c: (c.metadata["ingested_at"], int(c.id.split(":")[1])))
            texts = [index_text(c.text, c.metadata) for c in chunks]
        start = time.perf_counter()
        services.embedder.embed_passages(texts)
        raw_runs.append(time.perf_counter() - start)
    first = ingests[0]
    assert all((i["chunks"], i["chars"]) == (first["chunks"], first["chars"]) for i in ingests)
    raw_s, ingest_s = min(raw_runs), min(i["seconds"] for i in ingests)
    chars, embedded = first["chars"], sum(len(t) for t in texts)
    pdfs = [s for s, line in zip(first["statuses"], first["lines"]) if ".pdf:" in line]
    return {
        "embedder": services.embedder.name, "articles": len(articles), "article_chars": sum(len(a) for a in articles),
        "pdfs_added": pdfs.count("added"), "pdfs_refused": pdfs.count("refused"),
        "chars": chars, "chunks": first["chunks"], "embedded_chars": embedded,
        "raw_s": round(raw_s, 1), "raw_s_runs": [round(r, 1) for r in raw_runs],
        "raw_chars_per_s": round(chars / raw_s), "raw_embedded_chars_per_s": round(embedded / raw_s),
        "ingest_s": round(ingest_s, 1), "ingest_s_runs": [round(i["seconds"], 1) for i in ingests],
        "ingest_chars_per_s": round(chars / ingest_s),
        "ingest_vs_raw": round(raw_s / ingest_s, 3),
        "peak_rss_gb": round(max(i["peak_rss_gb"] for i in ingests), 2),
        "load_avg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES,
                        help=f"news articles to ingest, one file each (default {DEFAULT_ARTICLES})")
    parser.add_argument("--rounds", type=int, default=2, help="ingest + raw embedding rounds, best of each (default 2)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not NEWS.is_file() or not PDFS.is_dir():
        print(f"{NEWS} or {PDFS} is not here; nothing to measure")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as work:
        f = measure(Path(work), args.articles, args.rounds)
    print(f"embedding model: {f['embedder']}")
    print(f"{f['articles']} news articles (one .txt file each, {f['article_chars']} chars) + the real PDFs "
          f"({f['pdfs_added']} added, {f['pdfs_refused']} refused): {f['chars']} document chars, {f['chunks']} chunks, "
          f"{f['embedded_chars']} chars embedded (titles and overlap included)")
    print(f"{'':<20}{'seconds':>9}{'chars/s':>9}")
    print(f"{'raw embedding':<20}{f['raw_s']:>9}{f['raw_chars_per_s']:>9}   best of {f['raw_s_runs']} s "
          f"({f['raw_embedded_chars_per_s']} embedded chars/s)")
    print(f"{'end-to-end ingest':<20}{f['ingest_s']:>9}{f['ingest_chars_per_s']:>9}   best of {f['ingest_s_runs']} s")
    print(f"ingest_vs_raw {f['ingest_vs_raw']:.2f} (goal >= 0.85), peak_rss_gb {f['peak_rss_gb']:.2f} (goal <= 3.5); "
          f"1-min load average {f['load_avg_1min'][0]} before, {f['load_avg_1min'][1]} after")
    if args.json:
        args.json.write_text(json.dumps(f, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
