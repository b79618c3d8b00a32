"""Plain-text tables for the terminal, aligned by display width (a Chinese character takes two
columns), for the course author's tools."""
from __future__ import annotations

from .summary import width


def table(rows: list[list[str]]) -> str:
    """``rows`` (the first a header) as lines of left-aligned columns two spaces apart."""
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell + " " * (w - width(cell)) for cell, w in zip(row, widths)).rstrip()
                     for row in rows)
