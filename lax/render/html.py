"""A report as a clean, printable html page: the Markdown blocks as html, the chart embedded."""

from __future__ import annotations

import base64
import html
from typing import Any

from lax.render.chart import chart_caption
from lax.render.markdown import LINK, PLACEHOLDER_PREFIXES, Block, inline, parse_markdown, place_chart, title_parts

_CSS = """
@page { size: A4; margin: 30mm 26mm 30mm 28mm; }
html { background: #f4f4f4; }
body { margin: 0; color: #111; font: 16px/1.75 "FangSong", "仿宋_GB2312", "仿宋", "STFangsong", "Noto Serif CJK SC",
       "Songti SC", "Times New Roman", serif; }
main { max-width: 46em; margin: 2em auto; padding: 3em 3.5em; background: #fff; box-shadow: 0 0 6px #ccc; }
h1 { font: 26px/1.4 "方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "宋体", "Noto Serif CJK SC", serif;
     text-align: center; margin: 0 0 1.2em; }
h1 .keep { display: inline-block; max-width: 100%; }
h2 { font: 18px/1.6 "SimHei", "黑体", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 1.4em 0 .5em; }
h3 { font: 17px/1.6 "KaiTi", "楷体_GB2312", "楷体", "STKaiti", serif; font-weight: bold; margin: 1.1em 0 .4em; }
h4, h5, h6 { font-size: 16px; margin: 1em 0 .3em; }
p { margin: .4em 0; }
html[lang="zh-CN"] main > p { text-indent: 2em; }
ul, ol { margin: .4em 0; padding-left: 2em; }
table { border-collapse: collapse; width: 100%; margin: .8em 0; font-size: 14px; line-height: 1.5; }
th, td { border: 1px solid #444; padding: .25em .5em; text-align: center; vertical-align: middle; }
th { background: #eee; }
td:first-child { text-align: left; word-break: keep-all; }  /* a township's or village's name never broken */
blockquote.todo { margin: .8em 0; padding: .5em 1em; background: #fff7d6; border-left: 4px solid #d4a106; }
blockquote.todo p { text-indent: 0; }
figure { margin: 1em 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 14px; color: #333; }
.signature { margin: 2.5em 0 0; text-align: right; break-inside: avoid; page-break-inside: avoid; }
.signature p { margin: 0; text-indent: 0; }
mark.todo { background: #fff7d6; }
a[href^="#fig-"] { color: inherit; text-decoration: underline dotted; }
h3:target { background: #fff7d6; }
hr.page { border: none; border-top: 1px dashed #bbb; margin: 2em 0; }
@media print {
  html { background: none; }
  main { box-shadow: none; margin: 0; padding: 0; max-width: none; }
  blockquote.todo { background: none; border: 1px dashed #999; }
  h2, h3 { page-break-after: avoid; } table, figure { page-break-inside: avoid; }
  hr.page { border: none; margin: 0; page-break-after: always; }
}
"""


def _html_inline(text: str) -> str:
    return "".join(f"<strong>{_linked(t)}</strong>" if bold else _linked(t) for t, bold in inline(text))


def _linked(text: str) -> str:
    """Text escaped, each link to a heading of the report (`[15](#fig-identified)`) made an html link."""
    out, at = [], 0
    for m in LINK.finditer(text):
        out.append(html.escape(text[at : m.start()], quote=False))
        out.append(f'<a href="#{m.group(2)}">{html.escape(m.group(1), quote=False)}</a>')
        at = m.end()
    out.append(html.escape(text[at:], quote=False))
    return "".join(out)


def _html_blocks(blocks: list[Block], chart: str) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if b.kind == "heading":
            ident = f' id="{b.anchor}"' if b.anchor else ""
            parts = title_parts(b.text) if b.level == 1 else [b.text]
            if len(parts) > 1:  # a Chinese title breaks only between its parts, never inside a word
                text = "".join(f'<span class="keep">{_html_inline(part)}</span>' for part in parts)
            else:
                text = _html_inline(b.text)
            out.append(f"<h{b.level}{ident}>{text}</h{b.level}>")
        elif b.kind == "para":
            out.append(f"<p>{_html_inline(b.text)}</p>")
        elif b.kind in ("ul", "ol"):
            start = f' start="{b.level}"' if b.kind == "ol" and b.level != 1 else ""
            items = "".join(f"<li>{_html_inline(item)}</li>" for item in b.items)
            out.append(f"<{b.kind}{start}>{items}</{b.kind}>")
        elif b.kind == "table":
            head = "".join(f"<th>{_html_inline(c)}</th>" for c in b.header)
            body = "".join("<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif b.kind == "quote":
            out.append('<blockquote class="todo">' + "".join(_html_blocks(b.children, chart)) + "</blockquote>")
        elif b.kind == "hr":
            out.append("<hr>")
        elif b.kind == "chart":
            out.append(chart)
        elif b.kind == "signature":
            lines = "".join(
                f'<p><mark class="todo">{_html_inline(line)}</mark></p>'
                if line.startswith(PLACEHOLDER_PREFIXES)
                else f"<p>{_html_inline(line)}</p>"
                for line in b.items
            )
            out.append(f'<div class="signature">{lines}</div>')
        elif b.kind == "page":
            out.append('<hr class="page">')
    return out


def to_html(markdown: str, context: dict[str, Any], *, level: str, lang: str, png: bytes | None) -> str:
    """A clean, printable html page of the report, the chart embedded as a data: URI."""
    blocks = place_chart(parse_markdown(markdown), level)
    title = next((b.text for b in blocks if b.kind == "heading"), "")
    chart = ""
    if png is not None:
        data = base64.b64encode(png).decode("ascii")
        caption = html.escape(chart_caption(context, lang))
        chart = (
            f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{caption}" '
            f'width="900"><figcaption>{caption}</figcaption></figure>'
        )
    body = "\n".join(_html_blocks(blocks, chart))
    html_lang = "zh-CN" if lang == "zh" else "en"
    title_text = "".join(t for t, _b in inline(title))
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title_text, quote=False)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
