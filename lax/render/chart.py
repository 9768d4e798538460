"""The bar chart of villages by standard in html and Word reports, drawn with Pillow (imported inside)."""

from __future__ import annotations

import io
import os
from typing import Any

from lax.show import in_lang as _t
from lax.show import long_date

# Fonts with Chinese glyphs where the usual systems keep them (Linux packages, macOS, Windows). Pillow's own
# font has none, so a Chinese chart needs one of these; `LAX_CHART_FONT` names another.
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)


def cjk_font_path() -> str | None:
    """The first font file with Chinese glyphs found on this machine (`LAX_CHART_FONT` first), or None."""
    named = os.environ.get("LAX_CHART_FONT", "").strip()
    for path in ((named,) if named else ()) + CJK_FONTS:
        if os.path.isfile(path):
            return path
    return None


def chart_labels(as_of: str, lang: str, chinese_font: bool) -> dict[str, str]:
    """The chart's title and y-axis label in the report's language. Without a font that has Chinese
    glyphs the chart cannot draw Chinese, so it stays in English rather than print boxes."""
    zh = lang == "zh" and chinese_font
    when = long_date(as_of, "zh" if zh else "en") if as_of else ""
    if zh:
        return {
            "lang": "zh",
            "title": "按界定标准统计的软弱涣散村数" + (f"（截至{when}）" if when else ""),
            "axis": "村数（个）",
        }
    return {"lang": "en", "title": "Villages by standard" + (f" (as of {when})" if when else ""), "axis": "villages"}


def chart_png(standards: list[dict[str, Any]], as_of: str, lang: str) -> bytes:
    """A bar chart of villages by standard as PNG bytes, its axis in the report's language (in English when
    no font with Chinese glyphs is found). Bars are labelled with the standard ids and the counts; the title
    is kept in the PNG's `Title` text, for screen readers and tests (the report's caption is shown under it)."""
    from PIL import Image, ImageDraw, ImageFont
    from PIL.PngImagePlugin import PngInfo

    scale = 2  # drawn at twice the display size so it prints sharply
    width, height = 900 * scale, 420 * scale
    # No title drawn in the picture: the report's caption under it says what it shows (a title above it too
    # said the same twice). The title is kept in the PNG's `Title` text.
    left, right, top, bottom = 70 * scale, 20 * scale, 40 * scale, 60 * scale
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)

    cjk = cjk_font_path() if lang == "zh" else None
    if cjk is not None:
        try:
            ImageFont.truetype(cjk, 12)
        except (OSError, ImportError, ValueError):  # not a font Pillow reads, or no FreeType: draw in English
            cjk = None

    def font(size: int) -> Any:
        if cjk is not None:
            return ImageFont.truetype(cjk, size * scale)
        try:
            return ImageFont.load_default(size=size * scale)
        except (TypeError, OSError, ImportError):  # Pillow built without FreeType: the small bitmap font
            return ImageFont.load_default()

    label_font, small_font = font(13), font(12)
    labels = chart_labels(as_of, lang, cjk is not None)
    counts = [int(s.get("count") or 0) for s in standards]
    top_count = max(counts, default=0)
    step = _nice_step(top_count)
    y_max = max(step * ((top_count + step - 1) // step), step)
    plot_w, plot_h = width - left - right, height - top - bottom
    x0, y0 = left, top + plot_h  # the axes' origin

    for tick in range(0, y_max + 1, step):
        y = y0 - plot_h * tick / y_max
        draw.line([(x0, y), (x0 + plot_w, y)], fill=(225, 225, 225) if tick else "black", width=scale)
        draw.text((x0 - 8 * scale, y), str(tick), fill="black", font=small_font, anchor="rm")
    draw.line([(x0, top), (x0, y0)], fill="black", width=scale)
    draw.text((14 * scale, top - 22 * scale), labels["axis"], fill=(80, 80, 80), font=small_font, anchor="lm")

    n = max(len(standards), 1)
    slot = plot_w / n
    bar_w = slot * 0.62
    for k, (s, count) in enumerate(zip(standards, counts)):
        cx = x0 + slot * (k + 0.5)
        if count:
            y = y0 - plot_h * count / y_max
            draw.rectangle([cx - bar_w / 2, y, cx + bar_w / 2, y0 - scale], fill=(178, 34, 34))
            draw.text((cx, y - 4 * scale), str(count), fill="black", font=label_font, anchor="mb")
        draw.text(
            (cx, y0 + 8 * scale),
            str(s.get("id", "")) if labels["lang"] == "zh" else _ascii(str(s.get("id", ""))),
            fill="black",
            font=label_font,
            anchor="mt",
        )
    buf = io.BytesIO()
    info = PngInfo()
    info.add_itxt("Title", labels["title"], lang="zh-CN" if labels["lang"] == "zh" else "en")
    img.save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()


def _ascii(text: str) -> str:
    return text if text.isascii() else "?"


def _nice_step(top: int) -> int:
    """A tick step of 1, 2 or 5 times a power of ten giving at most six ticks."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if top / (step * m) <= 6:
                return step * m
        step *= 10


def chart_caption(context: dict[str, Any], lang: str) -> str:
    as_of = long_date(context["period"]["as_of"], lang)
    return _t(
        lang,
        f"Figure: villages identified by standard, as of {as_of}",
        f"图：按界定标准统计的软弱涣散村数（截至{as_of}）",
    )
