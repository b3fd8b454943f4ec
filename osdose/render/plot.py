"""An image of cumulative mg/m² over time (``--plot FILE.png|svg``), with matplotlib.

matplotlib is the optional extra ``plot``; it is imported here only, and only when asked.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from osdose.errors import OsdoseError
from osdose.timeline import Timeline

FORMATS = (".png", ".svg")


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise OsdoseError(
            "--plot needs matplotlib, which is not installed: pip install 'osdose[plot]'"
        ) from None
    matplotlib.use("Agg")  # files only: never open a window
    import matplotlib.pyplot as plt

    return plt


def shown(text: str) -> str:
    """User text for matplotlib: ``$`` would start its math notation (a patient id
    ``a$\\x$`` fails to draw), so it is escaped; control characters are shown escaped."""
    from osdose.visible import visible

    return visible(text).replace("$", r"\$")


def check_suffix(path: Path) -> None:
    """Refuse a --plot file that is neither .png nor .svg."""
    if path.suffix.lower() not in FORMATS:
        raise OsdoseError(f"--plot {path}: the file must end in .png or .svg")


def plot(t: Timeline, path: Path) -> bytes:
    """The chart of ``t`` as the bytes of a PNG or SVG file (chosen by ``path``'s suffix),
    for the caller to write (:func:`osdose.atomic.write_atomic`)."""
    check_suffix(path)
    with_eq = bool(t.points) and t.points[-1].doxorubicin_equivalent_mg_per_m2 is not None
    if not t.series and not with_eq:
        raise OsdoseError(
            f"--plot {path}: nothing to plot, no drug with a per-m² ceiling in this course"
        )
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    dates = [p.date for p in t.points]
    for i, s in enumerate(t.series):
        colour = f"C{i}"
        drug = shown(s.drug)
        ax.step(
            dates,
            [p.values[s.drug] for p in t.points],
            where="post",
            color=colour,
            label=drug,
        )
        if s.warn is not None:
            ax.axhline(
                s.warn, color=colour, linestyle=":", label=f"{shown(s.drug)} warn {s.warn:g}"
            )
        if s.max is not None:
            ax.axhline(s.max, color=colour, linestyle="--", label=f"{drug} max {s.max:g}")
    if with_eq:
        ax.step(
            dates,
            [p.doxorubicin_equivalent_mg_per_m2 for p in t.points],
            where="post",
            color="black",
            label=f"doxorubicin-equivalent ({t.equivalence})",
        )
    ax.set_title(f"Cumulative anthracycline exposure — patient {shown(t.patient)}")
    ax.set_ylabel("cumulative mg/m²")
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower right", fontsize="small")
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    # Fixed metadata so the same course always gives the same SVG bytes.
    out = io.BytesIO()
    svg = path.suffix.lower() == ".svg"
    fig.savefig(out, format="svg" if svg else "png", metadata={"Date": None} if svg else None)
    plt.close(fig)
    return out.getvalue()
