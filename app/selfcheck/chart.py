"""The self-check chart: one bar per scenario, grouped and coloured by the indicators' four groups,
height = level 1-4 (a grey dash for "not relevant"). PNG via matplotlib's Agg backend (no display).
Chinese labels need a CJK font (Debian's fonts-noto-cjk, installed with the browser by
scripts/install-browser.sh); without one the chart falls back to the English names rather than
drawing empty boxes."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from app.answer.profile import LEVELS  # noqa: E402
from app.selfcheck.assessment import SelfCheck  # noqa: E402
from app.selfcheck.knowledge import load_questionnaire  # noqa: E402
from prompts import load_table  # noqa: E402

log = logging.getLogger(__name__)
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "SimHei", "Microsoft YaHei")
NOT_RELEVANT = "#999999"
COLOURS = ("#4C78A8", "#F58518", "#54A24B", "#B279A2", "#9D755D", "#72B7B2")


def _known_cjk_font() -> str | None:
    for name in CJK_FONTS:
        try:
            font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
            return name
        except ValueError:
            continue
    return None


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed font that has Chinese glyphs, by family name. matplotlib's font list is
    cached from its first run, so fonts installed later are looked for among the system's files."""
    if name := _known_cjk_font():
        return name
    for path in font_manager.findSystemFonts():
        if re.search(r"cjk|wqy|wenquanyi|sourcehansans|droidsansfallback|uming", Path(path).name, re.I):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    return _known_cjk_font()


def chart_figure(result: SelfCheck) -> Figure:
    """The chart as a matplotlib figure (the web app shows it without writing a file)."""
    lang = result.lang
    font = cjk_font()
    if lang == "zh" and font is None:
        log.warning("no CJK font installed (fonts-noto-cjk): the self-check chart uses the English names")
        lang = "en"
    q = load_questionnaire(result.knowledge_dir, lang)
    t = load_table("selfcheck", lang)
    with matplotlib.rc_context({"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"]}):
        fig = Figure(figsize=(11, 4.8), dpi=110)
        ax = fig.subplots()
        x, ticks, labels = 0.0, [], []
        for i, group in enumerate(q.groups):
            members = [s for s in q.scenarios if s.group == group.key]
            start = x
            for s in members:
                level = result.answers.levels.get(s.key)
                if level:
                    ax.bar(x, level, width=0.8, color=COLOURS[i % len(COLOURS)])
                else:
                    ax.plot([x - 0.3, x + 0.3], [0.06, 0.06], color=NOT_RELEVANT, linewidth=3)
                ticks.append(x)
                labels.append(s.name)
                x += 1
            ax.axvspan(start - 0.5, x - 0.5, color=COLOURS[i % len(COLOURS)], alpha=0.06, linewidth=0)
            x += 0.6  # a gap between groups
        ax.set_xticks(ticks, labels, rotation=40, ha="right", fontsize=9)
        ax.set_yticks(range(0, 5), ["", *(LEVELS[n][lang] for n in range(1, 5))])
        ax.set_ylim(0, 4.3)
        ax.set_title(t["chart_title"], fontsize=12)
        ax.grid(axis="y", alpha=0.3)
        handles = [Patch(color=COLOURS[i % len(COLOURS)], label=g.name) for i, g in enumerate(q.groups)]
        handles.append(Line2D([], [], color=NOT_RELEVANT, linewidth=3, label=t["not_relevant"]))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9, frameon=False)
        fig.tight_layout()
    return fig


def render_chart(result: SelfCheck, path: Path) -> Path:
    """The chart as a PNG file (the CLI and the Word report)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    chart_figure(result).savefig(path, format="png")
    return path
