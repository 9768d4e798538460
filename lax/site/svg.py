"""The site's charts, drawn by lax as inline SVG text: bars by standard, columns by quarter, a township's
villages as one stacked bar, and a village's events on a time axis.

Every text that goes into a chart passes through `esc`; colours are CSS classes (`assets/site.css`), so a
chart prints and reads the same as the page around it. No scripts, no external files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape


def esc(value: object) -> str:
    """Text for html or SVG, quotes included (it may go into an attribute)."""
    text = value if type(value) is str else str(value)
    # Most texts have nothing to escape: five `in` tests are three times faster than `escape` on them, and a
    # 10,000-village site escapes some 700,000 texts.
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text, quote=True)
    return text


def _clip(text: str, room: int) -> str:
    """`text` cut to `room` columns (a Chinese character takes two), with an ellipsis when cut."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > room:
            return text[: i - 1] + "…"
    return text


def bars(items: Sequence[tuple[str, str, int]], title: str, width: int = 520) -> str:
    """Horizontal bars: (key, label, value) each, the value written at the bar's end."""
    row, label_w, pad = 22, 230, 40
    height = row * len(items) + 8
    top = max([v for _k, _l, v in items] + [1])
    span = width - label_w - pad
    out = [
        f'<svg class="chart bars" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{esc(title)}"><title>{esc(title)}</title>'
    ]
    for i, (key, label, value) in enumerate(items):
        y = 4 + i * row
        w = round(span * value / top, 1)
        short = _clip(label, 27)
        out.append(
            f'<g class="bar" data-key="{esc(key)}"><text x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
            f'{esc(key)} {esc(short)}</text><rect class="b-{esc(key)}" x="{label_w}" y="{y + 3}" width="{w}" '
            f'height="{row - 6}"><title>{esc(key)} {esc(label)}: {value}</title></rect>'
            f'<text class="val" x="{label_w + w + 4}" y="{y + 15}">{value}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def columns(
    groups: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[tuple[str, str]],
    title: str,
    width: int = 520,
    height: int = 200,
) -> str:
    """Grouped columns: (label, values) per group, one value per (css class, series name)."""
    base, left = height - 34, 30
    top = max([v for _l, vs in groups for v in vs] + [1])
    group_w = (width - left) / max(len(groups), 1)
    col_w = max(3.0, (group_w - 10) / max(len(series), 1))
    out = [
        f'<svg class="chart columns" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-label="{esc(title)}"><title>{esc(title)}</title>',
        f'<line class="axis" x1="{left}" y1="{base}" x2="{width}" y2="{base}"/>',
        f'<text class="tick" x="{left - 4}" y="{12}" text-anchor="end">{top}</text>',
    ]
    for i, (label, values) in enumerate(groups):
        x0 = left + i * group_w + 5
        for j, ((cls, name), v) in enumerate(zip(series, values)):
            h = round((base - 14) * v / top, 1)
            x = round(x0 + j * col_w, 1)
            out.append(
                f'<rect class="{esc(cls)}" x="{x}" y="{base - h}" width="{round(col_w - 1, 1)}" height="{h}">'
                f"<title>{esc(label)} {esc(name)}: {v}</title></rect>"
            )
            if v:
                out.append(
                    f'<text class="val small" x="{x + col_w / 2}" y="{base - h - 2}" text-anchor="middle">{v}</text>'
                )
        out.append(
            f'<text class="tick" x="{x0 + (group_w - 10) / 2}" y="{base + 14}" text-anchor="middle">{esc(label)}</text>'
        )
    lx = left
    for cls, name in series:
        out.append(
            f'<rect class="{esc(cls)}" x="{lx}" y="{height - 12}" width="10" height="10"/>'
            f'<text class="tick" x="{lx + 14}" y="{height - 3}">{esc(name)}</text>'
        )
        lx += 14 + 14 * len(name) if any(ord(c) > 0x2E80 for c in name) else 14 + 7 * len(name) + 10
    out.append("</svg>")
    return "".join(out)


def stacked(parts: Sequence[tuple[str, str, int]], scale: int, width: int = 160) -> str:
    """One bar of (css class, name, count) parts; `scale` is the count the full width stands for, so the
    townships' bars compare."""
    total = sum(n for _c, _n, n in parts)
    out = [
        f'<svg class="stack" role="img" viewBox="0 0 {width} 14" width="{width}" height="14">'
        f"<title>{esc(', '.join(f'{name} {n}' for _c, name, n in parts if n))}</title>"
    ]
    x = 0.0
    for cls, name, n in parts:
        if not n:
            continue
        w = width * n / max(scale, total, 1)
        out.append(
            f'<rect class="{esc(cls)}" x="{round(x, 1)}" y="0" width="{round(w, 1)}" height="14">'
            f"<title>{esc(name)}: {n}</title></rect>"
        )
        x += w
    out.append("</svg>")
    return "".join(out)


def time_axis(
    events: Sequence[tuple[dt.date, str, str]],
    marks: Sequence[tuple[dt.date, str, str]],
    today: dt.date,
    today_label: str,
    title: str,
    width: int = 860,
) -> str:
    """Events (date, css class, label) as dots on a time axis, with marks (date, css class, label) such as a
    time limit or the end of the watch year drawn as flags, and today as a line."""
    days = [d for d, _c, _l in events] + [d for d, _c, _l in marks] + [today]
    first, last = min(days), max(days)
    first -= dt.timedelta(days=15)
    last += dt.timedelta(days=15)
    span = max((last - first).days, 1)
    left, right, axis_y = 20, width - 20, 70
    height = 150

    def x(d: dt.date) -> float:
        return round(left + (right - left) * (d - first).days / span, 1)

    def label_at(at: float) -> str:  # a label near the right edge runs leftwards, so it is not cut off
        return f'x="{at - 3}" text-anchor="end"' if at > width - 160 else f'x="{at + 3}"'

    out = [
        f'<svg class="chart timeline" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-label="{esc(title)}"><title>{esc(title)}</title>',
        f'<line class="axis" x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}"/>',
    ]
    # Year ticks, and month ticks when the span is short enough to read them.
    y = first.year
    while True:
        d = dt.date(y, 1, 1)
        if d > last:
            break
        if d >= first:
            out.append(
                f'<line class="tick" x1="{x(d)}" y1="{axis_y - 4}" x2="{x(d)}" y2="{axis_y + 4}"/>'
                f'<text class="tick" x="{x(d)}" y="{axis_y + 16}" text-anchor="middle">{y}</text>'
            )
        if span < 900:
            for m in (4, 7, 10):
                md = dt.date(y, m, 1)
                if first <= md <= last:
                    out.append(
                        f'<line class="tick minor" x1="{x(md)}" y1="{axis_y - 2}" x2="{x(md)}" '
                        f'y2="{axis_y + 2}"/><text class="tick small" x="{x(md)}" y="{axis_y + 14}" '
                        f'text-anchor="middle">{m}</text>'
                    )
        y += 1
    for d, cls, label in marks:
        out.append(
            f'<g class="mark {esc(cls)}"><line x1="{x(d)}" y1="{axis_y - 26}" x2="{x(d)}" y2="{axis_y}"/>'
            f'<text {label_at(x(d))} y="{axis_y - 28}">{esc(label)} {d.isoformat()}</text></g>'
        )
    tx = x(today)
    out.append(
        f'<g class="today"><line x1="{tx}" y1="12" x2="{tx}" y2="{height - 6}"/>'
        f'<text {label_at(tx)} y="10">{esc(today_label)} {today.isoformat()}</text></g>'
    )
    for i, (d, cls, label) in enumerate(events):
        lane = axis_y + 30 + 16 * (i % 3)
        at, name = x(d), esc(label)
        out.append(
            f'<g class="ev {cls}"><line x1="{at}" y1="{axis_y}" x2="{at}" y2="{lane - 4}"/>'
            f'<circle cx="{at}" cy="{axis_y}" r="5"><title>{d.isoformat()} {name}</title></circle>'
            f'<text {label_at(at)} y="{lane}">{name}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)
