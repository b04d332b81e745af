"""Write ``summary.json``, ``items.jsonl`` and a self-contained ``report.html`` (charts embedded as
PNG) that a consultant can open in a browser and read."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CSS = """
body {font-family: -apple-system, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 24px auto;
      max-width: 1100px; color: #1f2328; line-height: 1.5;}
h1 {font-size: 24px;} h2 {font-size: 19px; margin-top: 32px; border-bottom: 1px solid #d0d7de;}
table {border-collapse: collapse; margin: 8px 0;} td, th {border: 1px solid #d0d7de; padding: 4px 10px; text-align: left;}
th {background: #f6f8fa;} .ok {color: #1a7f37;} .bad {color: #cf222e;} .muted {color: #57606a; font-size: 13px;}
.item {border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 14px; margin: 12px 0;}
.answer {white-space: pre-wrap; background: #f6f8fa; padding: 8px; border-radius: 6px;}
.tag {display: inline-block; padding: 0 6px; border-radius: 4px; background: #eaeef2; margin-right: 4px; font-size: 12px;}
img {max-width: 100%;}
"""
LABELS = {
    "context_recall": "Context recall — share of must-mention points found in the retrieved sources",
    "answer_coverage": "Answer coverage — share of must-mention points the answer states",
    "citation_validity": "Citation validity — share of [n] that exist and support their sentence",
    "refusal_accuracy": "Refusal accuracy — unanswerable refused without invented figures, answerable answered",
    "figure_safety": "Figure safety — share of answers with no figure missing from the sources",
    "crag_score": "CRAG score — correct 1, missing 0, wrong −1 (mean)",
    "claim_safety": "Claim safety — share of answers stating none of the item's known wrong claims",
}
DECISION_CLASS = {"kept": "ok", "moved": "ok", "attached": "ok", "refusal": "muted", "removed": "bad",
                  "dropped_format": "muted"}


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _fmt(value) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else html.escape(str(value))


def write_outputs(out: Path, summary: dict, rows: list[dict], thresholds: dict[str, float] | None = None,
                  ceilings: dict[str, float] | None = None) -> Path:
    """``thresholds``: the ``--fail-under`` bars; ``ceilings``: the ``--fail-over`` ones."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    with open(out / "items.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    if summary["kind"] == "answers":
        body = _answers_html(summary, rows, thresholds or {}, ceilings or {})
    elif summary["kind"] == "plans":
        body = _plans_html(summary, rows, thresholds or {}, ceilings or {})
    else:
        body = _retrieval_html(summary, rows)
    page = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Advisor evaluation</title>"
            f"<style>{CSS}</style></head><body>{body}</body></html>")
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


COUNT_LABELS = {
    "repeated_units": "Repeated units — sentences, quotes or list lines saying again what another says",
    "fragments": "Fragments — headings, bare titles, notes on the document, list leftovers, units with no predicate",
    "wrong_claims": "Wrong claims stated", "wrongful_refusals": "Wrongful refusals",
    "missed_refusals": "Missed refusals",
    "bare_headings": "Bare headings — heading or title lines inside a section",
}


def _count_rows(summary: dict, keys: tuple[str, ...], ceilings: dict[str, float]) -> list[str]:
    """Summary table rows for lower-is-better counts, each with its ``--fail-over`` bar."""
    rows = []
    for key in keys:
        value, bar = summary.get(key), ceilings.get(key)
        cls = "" if bar is None or value is None else ("ok" if value <= bar else "bad")
        rows.append(f"<tr><td>{COUNT_LABELS.get(key, key.replace('_', ' '))} (lower is better)</td>"
                    f"<td class=\"{cls}\">{_fmt(value)}</td><td>{'' if bar is None else '≤ ' + _fmt(bar)}</td></tr>")
    return rows


def _form_html(row: dict) -> str:
    """An answer's or draft's repeated units and fragments, as notes (section keys where given)."""
    parts = []
    for r in row.get("repeats") or []:
        parts.append(f"<div class=\"bad\">repeated ({r['by']} {r['share']:.2f}): {html.escape(r['repeat'])} "
                     f"<span class=\"muted\">— says again: {html.escape(r['first'])}</span></div>")
    for f in row.get("fragments") or []:
        where = f" in {f['section']}" if f.get("section") else ""
        parts.append(f"<div class=\"bad\">fragment ({html.escape(f['kind'])}{html.escape(where)}): "
                     f"{html.escape(f['text'])}</div>")
    return "".join(parts)


def _summary_rows(summary: dict, labelled: dict[str, str], thresholds: dict[str, float], lower: tuple,
                  ceilings: dict[str, float], plain: tuple[str, ...]) -> list[str]:
    """The summary table's rows: higher-is-better metrics against their bars, counts against their
    ceilings, then plain figures."""
    rows = []
    for key, label in labelled.items():
        value, bar = summary.get(key), thresholds.get(key)
        cls = "" if bar is None or value is None else ("ok" if value >= bar else "bad")
        rows.append(f"<tr><td>{label}</td><td class=\"{cls}\">{_fmt(value)}</td><td>{_fmt(bar)}</td></tr>")
    rows += _count_rows(summary, lower, ceilings)
    for key in plain:
        rows.append(f"<tr><td>{key.replace('_', ' ')}</td><td>{_fmt(summary.get(key))}</td><td></td></tr>")
    return rows


def _answers_html(summary: dict, rows: list[dict], thresholds: dict[str, float], ceilings: dict[str, float]) -> str:
    from eval.answers_eval import LOWER_IS_BETTER, QUALITY_METRICS

    parts = [f"<h1>Answer quality</h1><p class=\"muted\">{summary['items']} questions, answered by the advisor "
             "exactly as <code>advisor ask --json</code> answers them. Points are matched by numbers, key terms "
             "and the multilingual embedding model (thresholds in eval/matching.py).</p>",
             "<h2>Summary</h2><table><tr><th>metric</th><th>value</th><th>bar</th></tr>"]
    parts += _summary_rows(summary, {k: LABELS[k] for k in QUALITY_METRICS}, thresholds, LOWER_IS_BETTER, ceilings,
                           ("answers_with_repeats", "latency_p50_ms", "latency_p95_ms", "first_token_p50_ms",
                            "first_token_p95_ms", "first_words_p50_ms"))
    reasons = summary.get("refusal_reasons") or {}
    if reasons:
        parts.append("<tr><td>refusal reasons</td><td>" + html.escape(", ".join(f"{k} {v}" for k, v in reasons.items()))
                     + "</td><td></td></tr>")
    parts.append("</table>")

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
    keys = [k for k in QUALITY_METRICS if summary.get(k) is not None]
    ax1.barh(keys, [summary[k] for k in keys], color="#2f81f7")
    ax1.set_xlim(-1 if "crag_score" in keys else 0, 1)
    ax1.set_title("Quality metrics")
    for k, bar in thresholds.items():
        if k in keys:
            ax1.plot([bar, bar], [keys.index(k) - 0.4, keys.index(k) + 0.4], color="#cf222e")
    ax2.hist([r["timings"]["total_ms"] / 1000 for r in rows], bins=12, color="#8250df", alpha=0.8, label="total")
    ax2.hist([r["timings"]["first_token_ms"] / 1000 for r in rows], bins=12, color="#1a7f37", alpha=0.6,
             label="first token")
    ax2.set_xlabel("seconds")
    ax2.set_title("Latency")
    ax2.legend()
    parts.append(_png(fig))

    parts.append("<h2>Every question</h2>")
    for r in rows:
        grade = {1: "correct", 0: "missing", -1: "wrong"}[r["grade"]]
        turns = "".join(f"<div class=\"muted\">earlier turn: {html.escape(t)}</div>" for t in r["turns"][:-1])
        searched = (f"<div class=\"muted\">searched for: {html.escape(r['search_query'])}</div>"
                    if r["search_query"] != r["turns"][-1] else "")
        points = "".join(
            f"<li><span class=\"{'ok' if p['in_answer'] else 'bad'}\">{'✔' if p['in_answer'] else '✘'} answer</span> · "
            f"<span class=\"{'ok' if p['in_contexts'] else 'bad'}\">{'✔' if p['in_contexts'] else '✘'} sources</span> "
            f"— {html.escape(p['point'])}"
            + (f" <span class=\"muted\">[{html.escape(p['translation'])}]</span>" if p.get("translation") else "")
            + f" <span class=\"muted\">({p['how'] or 'no match'}; terms "
            f"{p['answer_terms']:.2f}, cosine {p['answer_semantic']:.3f})</span></li>" for p in r["points"])
        cites = "".join(f"<li>[{c['n']}] {html.escape(c['title'])} — {html.escape(c['section'])}</li>"
                        for c in r["citations"])
        invalid = [c for c in r["citation_checks"] if not c["valid"]]
        notes = []
        if invalid:
            notes.append(f"unsupported citations: {', '.join('[%d]' % c['n'] for c in invalid)}")
        if r["invented_figures"]:
            notes.append(f"figures not in the sources: {', '.join(map(html.escape, r['invented_figures']))}")
        if r["removed_figures"]:
            notes.append(f"figures the advisor removed: {', '.join(map(html.escape, r['removed_figures']))}")
        if r.get("wrong_claims"):
            notes.append(f"WRONG CLAIMS stated: {'; '.join(map(html.escape, r['wrong_claims']))}")
        flags = [f for f, on in (("answer quotes the evidence (model's answer did not hold)", r.get("extractive")),
                                 ("out of scope", r.get("out_of_scope"))) if on]
        flags += [f"sources hold no {k}: said so" for k in r.get("fact_gaps", [])]
        if r.get("quoted"):
            flags.append(f"answer completed with {len(r['quoted'])} quote(s) of evidence it left out: "
                         + ", ".join(f"[{q['n']}]" for q in r["quoted"]))
        evidence = "".join(f"<li>[{e['n']}] {html.escape(e['text'])} <span class=\"muted\">({e['score']:.3f})</span></li>"
                           for e in r.get("evidence", []))
        decisions = "".join(
            f"<li><span class=\"{DECISION_CLASS.get(v['decision'], 'muted')}\">{v['decision']}</span>"
            + (f" [{','.join(map(str, v['cited']))}]→[{','.join(map(str, v['final']))}]" if v["cited"] or v["final"] else "")
            + f" — {html.escape(v['sentence'])}"
            + (f" <span class=\"muted\">({html.escape(v['reason'])})</span>" if v.get("reason") else "") + "</li>"
            for v in r.get("verification", []))
        reason = (f"<div class=\"muted\">refusal reason: {html.escape(str(r['refusal_reason']))}</div>"
                  if r.get("refusal_reason") else "")
        parts.append(
            f"<div class=\"item\"><div><span class=\"tag\">{r['id']}</span><span class=\"tag\">{grade}</span>"
            f"<span class=\"tag\">{'answerable' if r['answerable'] else 'not answerable'}</span>"
            f"<span class=\"tag\">{'refused' if r['refused'] else 'answered'}</span>"
            f"<span class=\"tag\">{r['timings']['total_ms'] / 1000:.1f} s</span></div>{turns}"
            f"<h3>{html.escape(r['turns'][-1])}</h3>{searched}<div class=\"answer\">{html.escape(r['answer'])}</div>"
            + reason + _form_html(r)
            + "".join(f"<div class=\"muted\"><b>{html.escape(f)}</b></div>" for f in flags)
            + f"<ul>{points}</ul><div class=\"muted\">Sources cited:</div><ul>{cites or '<li>none</li>'}</ul>"
            + (f"<details><summary class=\"muted\">Evidence shown first ({len(r.get('evidence', []))})</summary>"
               f"<ul>{evidence}</ul></details>" if evidence else "")
            + _trace_html(r.get("trace") or [])
            + (f"<details><summary class=\"muted\">Every sentence checked ({len(r.get('verification', []))})</summary>"
               f"<ul>{decisions}</ul></details>" if decisions else "")
            + "".join(f"<div class=\"bad\">{n}</div>" for n in notes) + "</div>")
    return "".join(parts)


TRACE_DETAIL_CHARS = 160  # a step's other fields, cut to one line of the table


def _trace_html(trace: list[dict]) -> str:
    """The pipeline's steps of one answer as a compact table: step → decision, then its other
    fields on one line; '' when the answer carries no trace."""
    if not trace:
        return ""
    rows = []
    for step in trace:
        rest = "; ".join(f"{k}: {v}" for k, v in step.items() if k not in ("step", "decision"))
        rest = rest if len(rest) <= TRACE_DETAIL_CHARS else rest[:TRACE_DETAIL_CHARS] + "…"
        rows.append(f"<tr><td>{html.escape(str(step.get('step', '')))}</td>"
                    f"<td>{html.escape(str(step.get('decision', '')))}</td>"
                    f"<td class=\"muted\">{html.escape(rest)}</td></tr>")
    return (f"<details><summary class=\"muted\">Pipeline trace ({len(trace)} steps)</summary><table>"
            "<tr><th>step</th><th>decision</th><th>details</th></tr>" + "".join(rows) + "</table></details>")


PLAN_LABELS = {
    "sections_with_content": "Sections with content — cited content, no bare heading, no refusal",
    "rubric_coverage": "Rubric coverage — share of each case's rubric points the draft states (mean)",
}


def _plans_html(summary: dict, rows: list[dict], thresholds: dict[str, float], ceilings: dict[str, float]) -> str:
    from eval.plans_eval import PLAN_LOWER_IS_BETTER, PLAN_METRICS

    parts = [f"<h1>Plan drafts</h1><p class=\"muted\">{summary['items']} cases, {summary['sections']} sections, "
             "drafted by the product's <code>draft_plan</code> and judged by the evaluation's own code "
             "(eval/plans_eval.py). Rubric points are matched as answers' points are (eval/matching.py).</p>",
             "<h2>Summary</h2><table><tr><th>metric</th><th>value</th><th>bar</th></tr>"]
    parts += _summary_rows(summary, {k: PLAN_LABELS[k] for k in PLAN_METRICS}, thresholds, PLAN_LOWER_IS_BETTER,
                           ceilings, ("refused_sections", "drafts_with_repeats", "draft_p50_s"))
    parts.append("</table>")
    if rows:
        fig, ax = plt.subplots(figsize=(10, 0.4 * len(rows) + 1.2))
        ids = [r["id"] for r in rows]
        ax.barh(ids, [r["rubric_coverage"] or 0.0 for r in rows], color="#2f81f7", label="rubric coverage")
        ax.barh(ids, [sum(s["ok"] for s in r["sections"]) / max(1, len(r["sections"])) for r in rows], height=0.3,
                color="#1a7f37", label="sections with content")
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.legend(loc="lower right")
        ax.set_title("Per case")
        parts.append(_png(fig))

    parts.append("<h2>Every case</h2>")
    for r in rows:
        p = r["profile"]
        profile = ", ".join(f"{k} {html.escape(str(v))}" for k, v in p.items() if v not in (None, "", 0, [], ()))
        points = "".join(
            f"<li><span class=\"{'ok' if m['matched'] else 'bad'}\">{'✔' if m['matched'] else '✘'}</span> "
            f"{html.escape(m['point'])} <span class=\"muted\">({m['how'] or 'no match'}; terms {m['terms']:.2f}, "
            f"cosine {m['semantic']:.3f})</span></li>" for m in r["rubric"])
        sections = []
        for s in r["sections"]:
            checks = [("cited content", s["cited_content"]), ("no bare heading", not s["bare_headings"]),
                      ("no refusal", not s["refusal"])]
            tags = "".join(f"<span class=\"tag {'ok' if on else 'bad'}\">{'✔' if on else '✘'} {name}</span>"
                           for name, on in checks)
            sections.append(f"<h4>{html.escape(s['title'])} {tags}</h4>"
                            f"<div class=\"answer\">{html.escape(s['text'].strip()) or '<i>empty</i>'}</div>")
        sources = "".join(f"<li>[{c['n']}] {html.escape(c['title'])} — {html.escape(c['section'])}</li>"
                          for c in r["sources"])
        coverage = "—" if r["rubric_coverage"] is None else f"{r['rubric_coverage']:.2f}"
        parts.append(
            f"<div class=\"item\"><div><span class=\"tag\">{html.escape(r['id'])}</span>"
            f"<span class=\"tag\">{html.escape(r['lang'])}</span><span class=\"tag\">rubric {coverage}</span>"
            f"<span class=\"tag\">{r['seconds']:.0f} s</span></div>"
            f"<h3>{html.escape(r['goal'])}</h3><div class=\"muted\">profile: {profile}</div>"
            + "".join(sections) + _form_html(r)
            + f"<div class=\"muted\">Rubric:</div><ul>{points or '<li>none</li>'}</ul>"
            + f"<div class=\"muted\">Sources:</div><ul>{sources or '<li>none</li>'}</ul></div>")
    return "".join(parts)


def _retrieval_html(summary: dict, rows: list[dict]) -> str:
    systems = summary["systems"]
    metrics = list(next(iter(systems.values())))
    parts = [f"<h1>Retrieval</h1><p class=\"muted\">{summary['questions']} questions over {summary['passages']} passages "
             f"and {summary['distractors']} distractor articles; product chunks: {summary['product_chunks']} "
             f"({summary['chunk_size_tokens']} tokens, overlap {summary['chunk_overlap_tokens']}), LangChain baseline "
             f"chunks: {summary['langchain_chunks']} (1000/200 characters). A hit is a retrieved chunk from the "
             "question's own passage that contains a gold answer.</p>",
             "<h2>Summary</h2><table><tr><th>system</th>" + "".join(f"<th>{m}</th>" for m in metrics) + "</tr>"]
    for name, values in systems.items():
        parts.append(f"<tr><td>{name}</td>" + "".join(f"<td>{_fmt(values[m])}</td>" for m in metrics) + "</tr>")
    parts.append("</table>")
    parts.append(f"<p class=\"muted\">Indexing time: {summary['index_seconds']}; product query time "
                 f"{summary['product_query_ms']} ms per question.</p>")
    fig, ax = plt.subplots(figsize=(10, 3.6))
    width = 0.8 / len(systems)
    for i, (name, values) in enumerate(systems.items()):
        ax.bar([j + i * width for j in range(len(metrics))], [values[m] for m in metrics], width, label=name)
    ax.set_xticks([j + width for j in range(len(metrics))], metrics)
    ax.set_ylim(0, 1)
    ax.legend()
    ax.set_title("Retrieval metrics by system")
    parts.append(_png(fig))
    missed = [r for r in rows if r["system"] == "product" and not r["rank"]]
    parts.append(f"<h2>Questions the product missed in its top 10 ({len(missed)})</h2><ul>")
    parts.extend(f"<li>{html.escape(r['id'])}: {html.escape(r['question'])}</li>" for r in missed[:200])
    parts.append("</ul>")
    return "".join(parts)
