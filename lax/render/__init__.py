"""Turning a report context into a document: templates to Markdown, Markdown to html or Word, the chart.

Owns: finding a template (a user's `--templates DIR`, else `./templates`, overrides the shipped ones file by
file); rendering it in Jinja's immutable sandbox with undefined names as errors, each failure reported as
`TEMPLATE:LINE: message`; the small Markdown subset the templates write (headings, paragraphs, bullet and
numbered lists, pipe tables, bold, block quotes for the places the author must write) and its conversion
to a printable html page and to a Word document with Chinese official-document fonts; and the bar chart of
villages by standard, drawn with Pillow. Jinja, python-docx and Pillow are imported inside the functions
that use them, so importing this module costs nothing.
"""

from __future__ import annotations

import base64
import copy
import functools
import html
import io
import os
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lax import report as rpt
from lax.i18n import _
from lax.problems import LaxError

FORMATS = ("md", "html", "docx")
# A line a template writes where html and docx put the chart; dropped from Markdown output.
CHART_MARKER = "<!-- chart -->"


# -------------------------------------------------------------------------------------------- templates


def template_name(level: str, lang: str) -> str:
    return f"{level}.{lang}.md.j2"


def template_dirs(user_dir: Path | None, cwd: Path | None = None) -> list[Path]:
    """Where templates are looked up, first match wins: `--templates DIR` (which must exist) or
    `./templates` when there is one, then the shipped templates."""
    from lax.criteria import packaged_path

    dirs: list[Path] = []
    if user_dir is not None:
        if not Path(user_dir).is_dir():
            raise LaxError(_(f"--templates: '{user_dir}' is not a folder", f"--templates：“{user_dir}”不是文件夹"))
        dirs.append(Path(user_dir))
    else:
        local = (cwd or Path.cwd()) / "templates"
        if local.is_dir():
            dirs.append(Path("templates") if cwd is None else local)
    shipped = packaged_path("templates")
    if not any(_same_dir(d, shipped) for d in dirs):
        dirs.append(shipped)
    return dirs


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


# What one user template may do in one rendering (a template is code a county office may have been sent):
# the longest text any operation may build, the loop iterations and calls in total, and the whole output.
MAX_TEXT = 5_000_000
MAX_WORK = 2_000_000
MAX_OUTPUT = 20_000_000
_WIDE = re.compile(r"[0-9]{7,}")  # a format width of a million or more: `{:>1000000000}`, `%1000000000s`


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict)) else 0


def _loader(folder: Path) -> Any:
    """A file loader that refuses any template whose real path is outside its folder (a symlink out of it,
    or into a folder linked from it), whether asked for by name or by `{% include %}`."""
    from jinja2 import FileSystemLoader
    from jinja2.exceptions import SecurityError

    class InsideLoader(FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> Any:
            source, filename, uptodate = super().get_source(environment, template)
            root = os.path.realpath(str(folder))
            real = os.path.realpath(filename)
            if not real.startswith(root.rstrip(os.sep) + os.sep):
                raise SecurityError(_(f"{filename} leads outside the templates folder {folder} (to {real}); refused",
                                      f"{filename} 指向模板文件夹 {folder} 之外（{real}），已拒绝"))
            return source, filename, uptodate

    return InsideLoader(str(folder))


def _environment(dirs: list[Path], lang: str) -> Any:
    from jinja2 import ChoiceLoader, StrictUndefined, nodes
    from jinja2.compiler import CodeGenerator
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from jinja2.exceptions import SecurityError

    def too_long(size: int) -> None:
        if size > MAX_TEXT:
            raise SecurityError(_(f"the value would be {size:,} long, more than the {MAX_TEXT:,} a template may build",
                                  f"生成的值长度为 {size:,}，超过模板允许的 {MAX_TEXT:,}"))

    class Generator(CodeGenerator):
        def visit_Concat(self, node: Any, frame: Any) -> None:
            # `a ~ b`, counted like every other way of building text (Jinja joins it unchecked)
            self.write("environment.lax_concat((")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

    class Sandbox(ImmutableSandboxedEnvironment):
        """The immutable sandbox, with the work of a template bounded: no value longer than MAX_TEXT
        (`{{ 'x' * 10**10 }}`, `'x'.ljust(10**9)`, `'%1000000000s' % 1`, a text doubled in a loop, a huge
        join), no more than MAX_WORK loop iterations and calls in all, which Jinja's sandbox lets through."""

        intercepted_binops = frozenset(["*", "**", "+", "%"])
        code_generator_class = Generator
        lax_work = 0

        def lax_count(self, n: int = 1) -> None:
            self.lax_work += n
            if self.lax_work > MAX_WORK:
                raise SecurityError(_(f"more than {MAX_WORK:,} loop steps and calls", f"循环和调用超过 {MAX_WORK:,} 次"))

        def lax_loop(self, iterable: Any) -> Any:
            for item in iterable:
                self.lax_count()
                yield item

        def lax_concat(self, parts: Any) -> str:
            texts = [str(p) for p in parts]
            too_long(sum(len(t) for t in texts))
            return "".join(texts)

        def _parse(self, source: str, name: Any, filename: Any) -> Any:
            tree = super()._parse(source, name, filename)
            for loop in tree.find_all(nodes.For):
                loop.iter = nodes.Call(nodes.EnvironmentAttribute("lax_loop"), [loop.iter], [], None, None,
                                       lineno=loop.lineno)
            return tree

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
                raise SecurityError(f"the exponent {right} is too large")
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > 100_000:
                        raise SecurityError("the repeated value would be too long")
            if operator == "+":
                too_long(_size(left) + _size(right))
            if operator == "%" and isinstance(left, str) and _WIDE.search(left):
                raise SecurityError(_("a format width of a million or more", "格式宽度达到一百万以上"))
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            __self.lax_count()
            inner = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
            if getattr(inner, "__self__", None).__class__ is str:
                # str methods that pad or format: a width of a million or more is refused before it is built
                if any(isinstance(a, int) and a > MAX_TEXT for a in (*args, *kwargs.values())):
                    raise SecurityError(_(f"a width of more than the {MAX_TEXT:,} characters a template may build",
                                          f"宽度超过模板允许生成的 {MAX_TEXT:,} 个字符"))
                if getattr(inner, "__name__", "") in ("format", "format_map") and _WIDE.search(inner.__self__):
                    raise SecurityError(_("a format width of a million or more", "格式宽度达到一百万以上"))
            result = super().call(__context, __obj, *args, **kwargs)
            too_long(_size(result))
            return result

    env = Sandbox(
        loader=ChoiceLoader([_loader(d) for d in dirs]),
        undefined=StrictUndefined,
        autoescape=False,  # Markdown out; the html converter escapes
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({
        "yuan": rpt.yuan,
        "wan": rpt.wan,
        "money": lambda value: rpt.money(value, lang),
        "names": lambda villages, limit=None: rpt.names_by_township(villages, lang, limit),
        "names_by_township": lambda villages, limit=None: rpt.names_by_township(villages, lang, limit),
        "series": lambda items: rpt.series(items, lang),
        "longdate": lambda value: rpt.long_date(value, lang),
        "cell": _cell,
        "cnum": rpt.chinese_number,
    })
    for name, func in list(env.filters.items()):
        env.filters[name] = _bounded_filter(name, func, too_long, SecurityError)
    return env


def _bounded_filter(name: str, func: Any, too_long: Any, refused: type) -> Any:
    """A filter that refuses to build text longer than MAX_TEXT: widths checked before (`center(10**9)`),
    a join's length counted before it is joined, and every result measured after."""
    from jinja2.utils import _PassArg

    pass_arg = _PassArg.from_obj(func)
    skip = 0 if pass_arg is None else 1  # the context, eval context or environment Jinja passes first

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        value, extra = (args[skip] if len(args) > skip else None), (*args[skip + 1:], *kwargs.values())
        if any(isinstance(a, int) and not isinstance(a, bool) and a > MAX_TEXT for a in extra):
            raise refused(_(f"{name}: a width of more than the {MAX_TEXT:,} characters a template may build",
                            f"{name}：宽度超过模板允许生成的 {MAX_TEXT:,} 个字符"))
        if name == "format" and isinstance(value, str) and _WIDE.search(value):
            raise refused(_("a format width of a million or more", "格式宽度达到一百万以上"))
        if name == "join" and value is not None and not isinstance(value, (str, dict)):
            items = list(value)
            sep = args[skip + 1] if len(args) > skip + 1 else kwargs.get("d", "")
            too_long(sum(len(str(i)) for i in items) + len(str(sep)) * max(0, len(items) - 1))
            args = (*args[:skip], items, *args[skip + 1:])
        result = func(*args, **kwargs)
        too_long(_size(result))
        return result

    return bounded


def _cell(value: Any) -> str:
    """Text made safe for one cell of a pipe table."""
    text = "" if value is None else str(value)
    return re.sub(r"\s*\n\s*", " ", text).replace("|", "\\|").strip()


def render_markdown(context: dict[str, Any], *, level: str, lang: str, templates: Path | None = None,
                    cwd: Path | None = None, keep_chart_marker: bool = False) -> str:
    """The report as Markdown from the template for `level` and `lang`."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError
    from jinja2.exceptions import SecurityError

    dirs = template_dirs(templates, cwd)
    env = _environment(dirs, lang)
    name = template_name(level, lang)
    try:
        template = env.get_template(name)
    except TemplateNotFound as e:
        where = ", ".join(str(d) for d in dirs)
        raise LaxError(_(f"template '{e.name}' not found (looked in {where})",
                         f"找不到模板“{e.name}”（查找位置：{where}）")) from None
    except TemplateSyntaxError as e:
        raise _template_error(e.filename or name, e.lineno, e.message or str(e)) from None
    except SecurityError as e:  # the template itself is a symlink out of its folder
        raise LaxError(str(e), exit_code=2) from None
    try:
        text = _render_bounded(template, context)
    except TemplateSyntaxError as e:  # from an {% include %} or {% import %}
        raise _template_error(e.filename or name, e.lineno, e.message or str(e)) from None
    except LaxError:
        raise
    except Exception as e:  # noqa: BLE001 - any failure inside a template is the template's, reported at its line
        filename, line = _template_frame(e, dirs, template.filename or name)
        raise _template_error(filename, line, _describe(e)) from None
    return tidy_markdown(text, keep_chart_marker=keep_chart_marker)


def _render_bounded(template: Any, context: dict[str, Any]) -> str:
    """The template's output, refused past MAX_OUTPUT characters, naming the template line writing then."""
    chunks, size = [], 0
    gen = template.generate(context)
    for chunk in gen:
        size += len(chunk)
        if size > MAX_OUTPUT:
            filename, line = _writing_at(gen, template)
            gen.close()
            raise _template_error(filename, line, _(
                f"refused by the template sandbox: the output would be more than {MAX_OUTPUT:,} characters",
                f"模板沙箱拒绝执行：输出将超过 {MAX_OUTPUT:,} 个字符"))
        chunks.append(chunk)
    return "".join(chunks)


def _writing_at(gen: Any, template: Any) -> tuple[str, int]:
    """The template file and line a paused rendering is at (the innermost template generator)."""
    found = (template.filename or template.name, 0)
    frame_gen = getattr(gen, "gi_yieldfrom", None) or gen
    seen = 0
    while frame_gen is not None and seen < 100:
        seen += 1
        frame = getattr(frame_gen, "gi_frame", None)
        owner = frame.f_globals.get("__jinja_template__") if frame is not None else None
        if owner is not None:
            found = (owner.filename or owner.name, owner.get_corresponding_lineno(frame.f_lineno))
        frame_gen = getattr(frame_gen, "gi_yieldfrom", None)
    return found


def _describe(e: Exception) -> str:
    from jinja2.exceptions import SecurityError, UndefinedError

    if isinstance(e, SecurityError):
        return _(f"refused by the template sandbox: {e}", f"模板沙箱拒绝执行：{e}")
    if isinstance(e, UndefinedError):
        return str(e)
    return f"{type(e).__name__}: {e}"


def _template_error(filename: str, line: int | None, message: str) -> LaxError:
    return LaxError(f"{filename}:{line or 0}: {message}", exit_code=2)


def _template_frame(e: BaseException, dirs: list[Path], fallback: str) -> tuple[str, int]:
    """The template file and line a runtime error happened at: Jinja's rewritten traceback carries
    frames whose file name is the template's, the last of which is where it went wrong."""
    roots = [os.path.abspath(str(d)) for d in dirs]
    found: tuple[str, int] | None = None
    for frame in traceback.extract_tb(e.__traceback__):
        path = os.path.abspath(frame.filename)
        if frame.filename.endswith(".j2") or any(path.startswith(r + os.sep) for r in roots):
            found = (frame.filename, frame.lineno or 0)
    return found or (fallback, 0)


def _line_kind(line: str) -> str:
    s = line.strip()
    if s.startswith(">"):
        return "quote"
    if s.startswith("|"):
        return "table"
    if _HEADING.match(s):
        return "heading"
    if s == CHART_MARKER:
        return "chart"
    if _BULLET.match(s) or _NUMBER.match(s):
        return "list"
    if line[:1] in (" ", "\t"):
        return "indented"  # a list item's continuation
    return "text"


def tidy_markdown(text: str, keep_chart_marker: bool = False) -> str:
    """No trailing spaces; a blank line between blocks of different kinds (so a heading, table, list or
    quote always stands apart, whatever the template's whitespace control did) and never two in a row;
    one final newline; the chart marker only when html or docx will replace it."""
    lines = [line.rstrip() for line in text.splitlines()]
    if not keep_chart_marker:
        lines = [line for line in lines if line.strip() != CHART_MARKER]
    out: list[str] = []
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        if out and out[-1]:
            before, kind = _line_kind(out[-1]), _line_kind(line)
            if "heading" in (before, kind) or (before != kind and not (before == "list" and kind == "indented")):
                out.append("")
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------ Markdown subset


@dataclass
class Block:
    kind: str  # heading | para | ul | ol | table | quote | chart | hr
    level: int = 0  # heading level; first number of an ordered list
    text: str = ""
    items: list[str] = field(default_factory=list)  # list items
    header: list[str] = field(default_factory=list)  # table header cells
    rows: list[list[str]] = field(default_factory=list)  # table body rows
    children: list["Block"] = field(default_factory=list)  # a block quote's blocks


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^(\d{1,9})[.)]\s+(.*)$")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_TABLE_SEP = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _join(a: str, b: str) -> str:
    """Join two lines of one paragraph: no space between Chinese characters."""
    if not a:
        return b
    if _CJK.match(a[-1]) or _CJK.match(b[:1] or " "):
        return a + b
    return a + " " + b


def _split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells = re.split(r"(?<!\\)\|", line)
    return [c.strip().replace("\\|", "|") for c in cells]


def _starts_block(line: str, next_line: str | None) -> bool:
    s = line.strip()
    return bool(s == CHART_MARKER or _HEADING.match(s) or _BULLET.match(s) or _NUMBER.match(s) or s.startswith(">")
                or _RULE.match(s)
                or (s.startswith("|") and next_line is not None and _TABLE_SEP.match(next_line.strip())))


def parse_markdown(text: str) -> list[Block]:
    """The blocks of the Markdown subset the templates write."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        s = lines[i].strip()
        nxt = lines[i + 1] if i + 1 < n else None
        if not s:
            i += 1
        elif s == CHART_MARKER:
            blocks.append(Block("chart"))
            i += 1
        elif m := _HEADING.match(s):
            blocks.append(Block("heading", level=len(m.group(1)), text=m.group(2)))
            i += 1
        elif _RULE.match(s):
            blocks.append(Block("hr"))
            i += 1
        elif s.startswith(">"):
            inner = []
            while i < n and lines[i].strip().startswith(">"):
                inner.append(re.sub(r"^\s*>\s?", "", lines[i]))
                i += 1
            blocks.append(Block("quote", children=parse_markdown("\n".join(inner))))
        elif s.startswith("|") and nxt is not None and _TABLE_SEP.match(nxt.strip()):
            header = _split_row(s)
            rows = []
            i += 2
            while i < n and lines[i].strip().startswith("|"):
                row = _split_row(lines[i])
                rows.append((row + [""] * len(header))[: max(len(header), 1)])
                i += 1
            blocks.append(Block("table", header=header, rows=rows))
        elif _BULLET.match(s) or _NUMBER.match(s):
            ordered = not _BULLET.match(s)
            pattern = _NUMBER if ordered else _BULLET
            items: list[str] = []
            first = int(_NUMBER.match(s).group(1)) if ordered else 0
            while i < n and lines[i].strip():
                cur = lines[i].strip()
                m = pattern.match(cur)
                if m:
                    items.append(m.group(m.lastindex))
                elif lines[i][:1] in (" ", "\t") and items:
                    items[-1] = _join(items[-1], cur)  # an indented continuation line
                else:
                    break
                i += 1
            blocks.append(Block("ol" if ordered else "ul", level=first, items=items))
        else:
            para = ""
            while i < n and lines[i].strip():
                if para and _starts_block(lines[i], lines[i + 1] if i + 1 < n else None):
                    break
                para = _join(para, lines[i].strip())
                i += 1
            blocks.append(Block("para", text=para))
    return blocks


def inline(text: str) -> list[tuple[str, bool]]:
    """A line's runs: (text, bold). Only `**bold**` is marked up; `\\*` is a literal star."""
    runs: list[tuple[str, bool]] = []
    for k, part in enumerate(re.split(r"(?<!\\)\*\*", text)):
        part = part.replace("\\*", "*")
        if part:
            runs.append((part, k % 2 == 1))
    return runs


def place_chart(blocks: list[Block], level: str) -> list[Block]:
    """Where the chart goes: at the template's marker; else, for county and township reports, at the end
    of the first section (before the second `##` heading)."""
    if any(b.kind == "chart" for b in blocks) or level == "village":
        return blocks
    seen = 0
    for k, b in enumerate(blocks):
        if b.kind == "heading" and b.level == 2:
            seen += 1
            if seen == 2:
                return blocks[:k] + [Block("chart")] + blocks[k:]
    return blocks + [Block("chart")]


# ------------------------------------------------------------------------------------------------ chart


def chart_png(standards: list[dict[str, Any]], as_of: str, lang: str) -> bytes:
    """A bar chart of villages by standard as PNG bytes. Bars are labelled with the standard ids and the
    counts only: Pillow's own font draws those everywhere, Chinese glyphs it may not have."""
    from PIL import Image, ImageDraw, ImageFont

    scale = 2  # drawn at twice the display size so it prints sharply
    width, height = 900 * scale, 420 * scale
    left, right, top, bottom = 70 * scale, 20 * scale, 60 * scale, 60 * scale
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)

    def font(size: int) -> Any:
        try:
            return ImageFont.load_default(size=size * scale)
        except (TypeError, OSError, ImportError):  # Pillow built without FreeType: the small bitmap font
            return ImageFont.load_default()

    title_font, label_font, small_font = font(18), font(13), font(12)
    counts = [int(s.get("count") or 0) for s in standards]
    top_count = max(counts, default=0)
    step = _nice_step(top_count)
    y_max = max(step * ((top_count + step - 1) // step), step)
    plot_w, plot_h = width - left - right, height - top - bottom
    x0, y0 = left, top + plot_h  # the axes' origin

    title = "Villages by standard" + (f" (as of {as_of})" if as_of else "")
    draw.text((width // 2, 18 * scale), title, fill="black", font=title_font, anchor="mt")
    for tick in range(0, y_max + 1, step):
        y = y0 - plot_h * tick / y_max
        draw.line([(x0, y), (x0 + plot_w, y)], fill=(225, 225, 225) if tick else "black", width=scale)
        draw.text((x0 - 8 * scale, y), str(tick), fill="black", font=small_font, anchor="rm")
    draw.line([(x0, top), (x0, y0)], fill="black", width=scale)
    draw.text((14 * scale, top - 22 * scale), "villages", fill=(80, 80, 80), font=small_font, anchor="lm")

    n = max(len(standards), 1)
    slot = plot_w / n
    bar_w = slot * 0.62
    for k, (s, count) in enumerate(zip(standards, counts)):
        cx = x0 + slot * (k + 0.5)
        if count:
            y = y0 - plot_h * count / y_max
            draw.rectangle([cx - bar_w / 2, y, cx + bar_w / 2, y0 - scale], fill=(178, 34, 34))
            draw.text((cx, y - 4 * scale), str(count), fill="black", font=label_font, anchor="mb")
        draw.text((cx, y0 + 8 * scale), _ascii(str(s.get("id", ""))), fill="black", font=label_font, anchor="mt")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
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
    as_of = rpt.long_date(context["period"]["as_of"], lang)
    return _t(lang, f"Figure: villages identified by standard, as of {as_of}",
              f"图：按界定标准统计的软弱涣散村数（截至{as_of}）")


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


# ------------------------------------------------------------------------------------------------- html

_CSS = """
@page { size: A4; margin: 30mm 26mm 30mm 28mm; }
html { background: #f4f4f4; }
body { margin: 0; color: #111; font: 16px/1.75 "FangSong", "仿宋_GB2312", "仿宋", "STFangsong", "Noto Serif CJK SC",
       "Songti SC", "Times New Roman", serif; }
main { max-width: 46em; margin: 2em auto; padding: 3em 3.5em; background: #fff; box-shadow: 0 0 6px #ccc; }
h1 { font: 26px/1.4 "方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "宋体", "Noto Serif CJK SC", serif;
     text-align: center; margin: 0 0 1.2em; }
h2 { font: 18px/1.6 "SimHei", "黑体", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 1.4em 0 .5em; }
h3 { font: 17px/1.6 "KaiTi", "楷体_GB2312", "楷体", "STKaiti", serif; font-weight: bold; margin: 1.1em 0 .4em; }
h4, h5, h6 { font-size: 16px; margin: 1em 0 .3em; }
p { margin: .4em 0; }
html[lang="zh-CN"] main > p { text-indent: 2em; }
ul, ol { margin: .4em 0; padding-left: 2em; }
table { border-collapse: collapse; width: 100%; margin: .8em 0; font-size: 14px; line-height: 1.5; }
th, td { border: 1px solid #444; padding: .25em .5em; text-align: center; vertical-align: middle; }
th { background: #eee; }
td:first-child { text-align: left; }
blockquote.todo { margin: .8em 0; padding: .5em 1em; background: #fff7d6; border-left: 4px solid #d4a106; }
blockquote.todo p { text-indent: 0; }
figure { margin: 1em 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 14px; color: #333; }
@media print {
  html { background: none; }
  main { box-shadow: none; margin: 0; padding: 0; max-width: none; }
  blockquote.todo { background: none; border: 1px dashed #999; }
  h2, h3 { page-break-after: avoid; } table, figure { page-break-inside: avoid; }
}
"""


def _html_inline(text: str) -> str:
    return "".join(f"<strong>{html.escape(t, quote=False)}</strong>" if bold else html.escape(t, quote=False)
                   for t, bold in inline(text))


def _html_blocks(blocks: list[Block], chart: str) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if b.kind == "heading":
            out.append(f"<h{b.level}>{_html_inline(b.text)}</h{b.level}>")
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
    return out


def to_html(markdown: str, context: dict[str, Any], *, level: str, lang: str, png: bytes | None) -> str:
    """A clean, printable html page of the report, the chart embedded as a data: URI."""
    blocks = place_chart(parse_markdown(markdown), level)
    title = next((b.text for b in blocks if b.kind == "heading"), "")
    chart = ""
    if png is not None:
        data = base64.b64encode(png).decode("ascii")
        caption = html.escape(chart_caption(context, lang))
        chart = (f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{caption}" '
                 f'width="900"><figcaption>{caption}</figcaption></figure>')
    body = "\n".join(_html_blocks(blocks, chart))
    html_lang = "zh-CN" if lang == "zh" else "en"
    title_text = "".join(t for t, _b in inline(title))
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title_text, quote=False)}</title>\n<style>{_CSS}</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


# ------------------------------------------------------------------------------------------------- docx

# Fonts of Chinese official documents (GB/T 9704): title in 方正小标宋简体, first-level headings in 黑体,
# second-level in 楷体_GB2312, body in 仿宋_GB2312; sizes 二号 (22 pt) and 三号 (16 pt).
_FONTS = {
    "zh": {"body": ("仿宋_GB2312", "仿宋_GB2312", 16), "title": ("方正小标宋简体", "方正小标宋简体", 22),
           "h1": ("黑体", "黑体", 16), "h2": ("楷体_GB2312", "楷体_GB2312", 16), "h3": ("仿宋_GB2312", "仿宋_GB2312", 16),
           "table": ("仿宋_GB2312", "仿宋_GB2312", 12)},
    "en": {"body": ("Times New Roman", "仿宋_GB2312", 12), "title": ("Times New Roman", "方正小标宋简体", 18),
           "h1": ("Arial", "黑体", 14), "h2": ("Arial", "楷体_GB2312", 12.5), "h3": ("Times New Roman", "仿宋_GB2312", 12),
           "table": ("Times New Roman", "仿宋_GB2312", 10.5)},
}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(element: Any, latin: str, east_asian: str) -> None:
    """Name the fonts on a run's or a style's properties, East Asian text included; theme fonts, which
    would win over the names, are removed."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)


def _style_font(style: Any, spec: tuple[str, str, float], bold: bool | None = None) -> None:
    from docx.shared import Pt, RGBColor

    latin, east_asian, size = spec
    style.font.name = latin
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.font.italic = False
    if bold is not None:
        style.font.bold = bold
    _set_fonts(style.element, latin, east_asian)


def _run(paragraph: Any, text: str, spec: tuple[str, str, float], *, bold: bool = False, todo: bool = False) -> Any:
    """A run with its fonts (East Asian included), size, weight and highlight set."""
    run = paragraph.add_run(text)
    run._element.insert(0, copy.deepcopy(_run_properties(spec, bold, todo)))
    return run


@functools.lru_cache(maxsize=64)
def _run_properties(spec: tuple[str, str, float], bold: bool, todo: bool) -> Any:
    """The `w:rPr` of a kind of run, made once with python-docx and then copied: setting fonts through
    python-docx run by run costs most of the time of a big document."""
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    latin, east_asian, size = spec
    run = _scratch_paragraph().add_run("")
    run.font.name = latin
    run._element.rPr.rFonts.set(_qn("w:eastAsia"), east_asian)
    _set_fonts(run._element, latin, east_asian)
    run.font.size = Pt(size)
    if bold:
        run.bold = True
    if todo:  # the places only a person can write stand out until they are written
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run._element.rPr


@functools.lru_cache(maxsize=1)
def _scratch_paragraph() -> Any:
    from docx import Document

    return Document().add_paragraph()


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _prepare_document(lang: str) -> Any:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.shared import Mm, Pt

    fonts = _FONTS["zh" if lang == "zh" else "en"]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    # Document defaults and styles carry the fonts too, so text typed later in Word keeps them.
    defaults = doc.styles.element.find(_qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(_qn("w:rPrDefault"))
        if rpr_default is not None and rpr_default.find(_qn("w:rPr")) is not None:
            rpr = rpr_default.find(_qn("w:rPr"))
            rfonts = rpr.find(_qn("w:rFonts"))
            if rfonts is None:
                rfonts = OxmlElement("w:rFonts")
                rpr.insert(0, rfonts)
            for attr in _THEME_ATTRS:
                if rfonts.get(_qn(attr)) is not None:
                    del rfonts.attrib[_qn(attr)]
            latin, east_asian, _size = fonts["body"]
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                rfonts.set(_qn(attr), latin)
            rfonts.set(_qn("w:eastAsia"), east_asian)
    normal = doc.styles["Normal"]
    _style_font(normal, fonts["body"])
    if lang == "zh":
        normal.paragraph_format.line_spacing = Pt(28)  # 三号 body on a 28-point line, as official documents set it
        lang_el = normal.element.get_or_add_rPr().find(_qn("w:lang"))
        if lang_el is None:
            lang_el = OxmlElement("w:lang")
            normal.element.get_or_add_rPr().append(lang_el)
        lang_el.set(_qn("w:eastAsia"), "zh-CN")
    for name, key, bold in (("Title", "title", False), ("Heading 1", "h1", False), ("Heading 2", "h2", True),
                            ("Heading 3", "h3", True), ("List Bullet", "body", None), ("Table Grid", "table", None)):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        _style_font(style, fonts[key], bold)
    title = doc.styles["Title"]
    title.paragraph_format.alignment = 1  # centred
    # Word's Title style draws a rule under the title; official documents have none.
    ppr = title.element.find(_qn("w:pPr"))
    if ppr is not None:
        for border in ppr.findall(_qn("w:pBdr")):
            ppr.remove(border)
    return doc


def to_docx(markdown: str, context: dict[str, Any], *, level: str, lang: str, png: bytes | None) -> bytes:
    """The report as a Word document (bytes): headings, paragraphs, lists, tables and the chart, every run
    with its East Asian font set."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    fonts = _FONTS["zh" if lang == "zh" else "en"]
    doc = _prepare_document(lang)
    blocks = place_chart(parse_markdown(markdown), level)
    title_text = next((b.text for b in blocks if b.kind == "heading"), "")
    doc.core_properties.title = "".join(t for t, _b in inline(title_text))
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"

    bullet = doc.styles["List Bullet"]
    # Paragraph properties of table cells (single-spaced, not indented; centred or left), made once and
    # copied into each cell: python-docx's setters cost more than the rest of a big table.
    cell_props = {}
    for centred in (False, True):
        p = doc.add_paragraph()
        p.paragraph_format.line_spacing = 1.0
        p.paragraph_format.first_line_indent = Pt(0)
        if centred:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell_props[centred] = p._p.pPr
        p._p.getparent().remove(p._p)

    def paragraph_runs(p: Any, text: str, spec: tuple[str, str, float], todo: bool = False) -> None:
        for t, bold in inline(text):
            _run(p, t, spec, bold=bold, todo=todo)

    def emit(blocks: list[Block], todo: bool = False) -> None:
        for b in blocks:
            if b.kind == "heading":
                key = {1: "title", 2: "h1", 3: "h2"}.get(b.level, "h3")
                p = doc.add_heading("", level=min(b.level - 1, 9))
                if b.level == 1:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph_runs(p, b.text, fonts[key], todo)
            elif b.kind == "para":
                p = doc.add_paragraph()
                if lang == "zh" and not todo:
                    p.paragraph_format.first_line_indent = Pt(fonts["body"][2] * 2)  # two characters
                if todo:
                    p.paragraph_format.left_indent = Cm(0.75)
                paragraph_runs(p, b.text, fonts["body"], todo)
            elif b.kind == "ul":
                for item in b.items:
                    p = doc.add_paragraph(style=bullet)
                    paragraph_runs(p, item, fonts["body"], todo)
            elif b.kind == "ol":
                # Numbers written out: Word's shared list numbering would run on from one list to the next.
                for k, item in enumerate(b.items, start=b.level or 1):
                    p = doc.add_paragraph()
                    p.paragraph_format.left_indent = Cm(0.75 if not todo else 1.5)
                    p.paragraph_format.first_line_indent = Cm(-0.75)
                    _run(p, f"{k}．" if lang == "zh" else f"{k}. ", fonts["body"], todo=todo)
                    paragraph_runs(p, item, fonts["body"], todo)
            elif b.kind == "table":
                cols = max(len(b.header), 1)
                table = doc.add_table(rows=1 + len(b.rows), cols=cols)
                table.style = doc.styles["Table Grid"]
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                # Row by row: `table.cell(r, c)` rebuilds the whole grid on every call, quadratic in big tables.
                for r, (row_obj, row) in enumerate(zip(table.rows, [b.header] + b.rows)):
                    for c, cell in enumerate(row_obj.cells[:cols]):
                        p = cell.paragraphs[0]
                        p._p.insert(0, copy.deepcopy(cell_props[r == 0 or c > 0]))
                        text = row[c] if c < len(row) else ""
                        for t, bold in inline(text):
                            _run(p, t, fonts["table"], bold=bold or r == 0)
                doc.add_paragraph()
            elif b.kind == "quote":
                emit(b.children, todo=True)
            elif b.kind == "hr":
                doc.add_paragraph()
            elif b.kind == "chart" and png is not None:
                doc.add_picture(io.BytesIO(png), width=Cm(15))
                pic = doc.paragraphs[-1]
                pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
                pic.paragraph_format.first_line_indent = Pt(0)
                for run in pic.runs:
                    latin, east_asian, _size = fonts["body"]
                    _set_fonts(run._element, latin, east_asian)
                cap = doc.add_paragraph()
                cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(cap, chart_caption(context, lang), fonts["table"])

    emit(blocks)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------- all


def render(context: dict[str, Any], *, level: str, lang: str, fmt: str, templates: Path | None = None,
           cwd: Path | None = None) -> bytes:
    """The report in `fmt` (md, html or docx) as bytes ready to write."""
    if fmt not in FORMATS:
        raise LaxError(_(f"--format: '{fmt}' is not md, html or docx", f"--format：“{fmt}”不是 md、html 或 docx"))
    markdown = render_markdown(context, level=level, lang=lang, templates=templates, cwd=cwd,
                               keep_chart_marker=fmt != "md")
    if fmt == "md":
        return markdown.encode("utf-8")
    png = chart_png(context["standards"], context["period"]["as_of"], lang)
    if fmt == "html":
        return to_html(markdown, context, level=level, lang=lang, png=png).encode("utf-8")
    return to_docx(markdown, context, level=level, lang=lang, png=png)
