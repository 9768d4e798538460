"""Finding and running a report template: Jinja's immutable sandbox, bounded, errors as `TEMPLATE:LINE`.

Owns where templates are looked up (a user's `--templates DIR`, else `./templates`, overrides the shipped
ones file by file, and no template may lead outside its folder); the sandbox (undefined names are errors;
no value longer than MAX_TEXT, no more than MAX_WORK loop steps and calls, no output longer than
MAX_OUTPUT: a template is code a county office may have been sent); the filters templates use (`money`,
`names`, `longdate`, …, from `lax.report`); and each failure reported at its template's line. Jinja is
imported inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import functools
import os
import re
import traceback
from pathlib import Path
from typing import Any

from lax import report as rpt
from lax.i18n import _
from lax.problems import LaxError
from lax.render.markdown import tidy_markdown


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
                raise SecurityError(
                    _(
                        f"{filename} leads outside the templates folder {folder} (to {real}); refused",
                        f"{filename} 指向模板文件夹 {folder} 之外（{real}），已拒绝",
                    )
                )
            return source, filename, uptodate

    return InsideLoader(str(folder))


def _environment(dirs: list[Path], lang: str, anchors: frozenset[str] = frozenset()) -> Any:
    from jinja2 import ChoiceLoader, StrictUndefined, nodes
    from jinja2.compiler import CodeGenerator
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def too_long(size: int) -> None:
        if size > MAX_TEXT:
            raise SecurityError(
                _(
                    f"the value would be {size:,} long, more than the {MAX_TEXT:,} a template may build",
                    f"生成的值长度为 {size:,}，超过模板允许的 {MAX_TEXT:,}",
                )
            )

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
                raise SecurityError(
                    _(f"more than {MAX_WORK:,} loop steps and calls", f"循环和调用超过 {MAX_WORK:,} 次")
                )

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
                loop.iter = nodes.Call(
                    nodes.EnvironmentAttribute("lax_loop"), [loop.iter], [], None, None, lineno=loop.lineno
                )
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
                    raise SecurityError(
                        _(
                            f"a width of more than the {MAX_TEXT:,} characters a template may build",
                            f"宽度超过模板允许生成的 {MAX_TEXT:,} 个字符",
                        )
                    )
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
    env.filters.update(
        {
            "yuan": rpt.yuan,
            "wan": rpt.wan,
            "money": lambda value: rpt.money(value, lang),
            "names": lambda villages, limit=None: rpt.names_by_township(villages, lang, limit),
            "names_by_township": lambda villages, limit=None: rpt.names_by_township(villages, lang, limit),
            "series": lambda items: rpt.series(items, lang),
            "longdate": lambda value: rpt.long_date(value, lang),
            "cell": _cell,
            "cnum": rpt.chinese_number,
            "fig": lambda value, key=None: _figure(value, key, anchors),
            "anchor": lambda value: _anchor_mark(value, anchors),
        }
    )
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
        value, extra = (args[skip] if len(args) > skip else None), (*args[skip + 1 :], *kwargs.values())
        if any(isinstance(a, int) and not isinstance(a, bool) and a > MAX_TEXT for a in extra):
            raise refused(
                _(
                    f"{name}: a width of more than the {MAX_TEXT:,} characters a template may build",
                    f"{name}：宽度超过模板允许生成的 {MAX_TEXT:,} 个字符",
                )
            )
        if name == "format" and isinstance(value, str) and _WIDE.search(value):
            raise refused(_("a format width of a million or more", "格式宽度达到一百万以上"))
        if name == "join" and value is not None and not isinstance(value, (str, dict)):
            items = list(value)
            sep = args[skip + 1] if len(args) > skip + 1 else kwargs.get("d", "")
            too_long(sum(len(str(i)) for i in items) + len(str(sep)) * max(0, len(items) - 1))
            args = (*args[:skip], items, *args[skip + 1 :])
        result = func(*args, **kwargs)
        too_long(_size(result))
        return result

    return bounded


def _figure(value: Any, key: str | None, anchors: frozenset[str]) -> str:
    """`{{ identified | fig }}`: a figure of the text, as a link to its list in 附件3 when the report has
    one and is drawn as html (`[15](#fig-identified)`), else as it is. A figure's dict (a group, a standard,
    a channel) gives its `count` and `anchor`; any other value is shown as it is, and `key` names its list:
    `{{ funds.period | money | fig("funds-period") }}`."""
    if isinstance(value, dict):
        text, target = value.get("count"), value.get("anchor")
    else:
        text, target = value, (rpt.anchor(str(key)) if key is not None else None)
    text = "" if text is None else str(text)
    if target and target in anchors:
        return f"[{text}](#{target})"
    return text


def _anchor_mark(value: Any, anchors: frozenset[str]) -> str:
    """`### title{{ f | anchor }}`: the ` {#fig-…}` that gives a heading its id in html; nothing elsewhere."""
    target = value.get("anchor") if isinstance(value, dict) else str(value)
    return f" {{#{target}}}" if target and target in anchors else ""


def _cell(value: Any) -> str:
    """Text made safe for one cell of a pipe table."""
    text = "" if value is None else str(value)
    return re.sub(r"\s*\n\s*", " ", text).replace("|", "\\|").strip()


def render_markdown(
    context: dict[str, Any],
    *,
    level: str,
    lang: str,
    templates: Path | None = None,
    cwd: Path | None = None,
    keep_chart_marker: bool = False,
    links: bool = False,
) -> str:
    """The report as Markdown from the template for `level` and `lang`; with `links` (html), the figures
    of the text link to their lists in 附件3 when the context has them (`lax report --explain`)."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError
    from jinja2.exceptions import SecurityError

    dirs = template_dirs(templates, cwd)
    appendix = context.get("appendix") if links else None
    anchors = frozenset(appendix.get("anchors", ())) if isinstance(appendix, dict) else frozenset()
    env = _environment(dirs, lang, anchors)
    name = template_name(level, lang)
    try:
        template = env.get_template(name)
    except TemplateNotFound as e:
        where = ", ".join(str(d) for d in dirs)
        raise LaxError(
            _(f"template '{e.name}' not found (looked in {where})", f"找不到模板“{e.name}”（查找位置：{where}）")
        ) from None
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
            raise _template_error(
                filename,
                line,
                _(
                    f"refused by the template sandbox: the output would be more than {MAX_OUTPUT:,} characters",
                    f"模板沙箱拒绝执行：输出将超过 {MAX_OUTPUT:,} 个字符",
                ),
            )
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
