"""`lax site OUT/`: write the ledger's status site (overview, wall chart, village pages, to-do) as plain files.

Thin: check OUT, load the ledger and the criteria, build the page model (`lax.site.model`), write it
(`lax.site.pages`). OUT is refused in one line (exit 2) when it is a file, inside the ledger, holds the
ledger, or is a folder of something other than an earlier site; the site is written beside it and then put
in its place, so a failed run leaves the previous site as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from lax.cli.common import CriteriaOpt, LangOpt, LedgerOpt, command, err, parse_date_option, today
from lax.i18n import _
from lax.problems import LaxError


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_out(out: Path, ledger: Path) -> None:
    """Refuse an OUT the site may not be written to (one `LaxError` line, exit 2)."""
    from lax.site import MARKER

    real, real_ledger = os.path.realpath(out), os.path.realpath(ledger)
    if _inside(real, real_ledger):
        raise LaxError(
            _(
                f"{out}: is inside the ledger folder {ledger}; give a folder outside it",
                f"{out}：位于台账文件夹 {ledger} 之内；请给出台账以外的文件夹",
            )
        )
    if _inside(real_ledger, real):
        raise LaxError(
            _(
                f"{out}: holds the ledger folder {ledger}; give a folder of its own for the site",
                f"{out}：包含台账文件夹 {ledger}；请为网页另给一个文件夹",
            )
        )
    if os.path.lexists(out) and not os.path.isdir(out):
        raise LaxError(
            _(
                f"{out}: is a file, not a folder; give a folder for the site",
                f"{out}：是文件而不是文件夹；请给出存放网页的文件夹",
            )
        )
    if os.path.isdir(out):
        try:
            names = os.listdir(out)
        except OSError as e:
            from lax.problems import os_reason

            raise LaxError(_(f"{out}: cannot read: {os_reason(e)}", f"{out}：无法读取：{os_reason(e)}")) from None
        if names and MARKER not in names:
            raise LaxError(
                _(
                    f"{out}: is a folder that holds other files, not an earlier lax site; give a new or empty folder",
                    f"{out}：文件夹中已有其他文件，不是 lax 生成的网页；请给出新的或空的文件夹",
                )
            )
    parent = Path(os.path.realpath(out)).parent
    if not parent.is_dir():
        raise LaxError(_(f"{out}: the folder {parent} does not exist", f"{out}：文件夹 {parent} 不存在"))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise LaxError(
            _(
                f"{out}: cannot write: the folder {parent} is not writable",
                f"{out}：无法写入：文件夹 {parent} 没有写权限",
            )
        )


@command
def site(
    out: Annotated[
        Path,
        typer.Argument(
            metavar="OUT",
            help="Folder to write the site into (new, empty, or an earlier site, which is replaced).",
            show_default=False,
        ),
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The date the site shows (default: today).", show_default=False)
    ] = None,
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = Path("ledger"),
    lang: LangOpt = None,
) -> None:
    """Write a static status site of the ledger: county overview, wall chart, village pages, to-do list.

    It opens from the folder (index.html) with no server and no network. Example:
    lax site site/ --as-of 2026-09-30 --lang zh
    """
    from lax.criteria import load_criteria
    from lax.i18n import get_lang
    from lax.ledger import load_entries, load_townships_checked
    from lax.problems import os_reason
    from lax.site import MARKER, build_site, publish, write_pages

    on = parse_date_option(as_of, "--as-of") or today()
    check_out(out, ledger)
    if not ledger.is_dir():
        raise LaxError(
            _(
                f"ledger folder '{ledger}' not found (give --ledger DIR or set LAX_LEDGER)",
                f"找不到台账文件夹“{ledger}”（请用 --ledger 指定或设置 LAX_LEDGER）",
            )
        )
    rules = load_criteria(criteria)
    entries, problems = load_entries(ledger)
    towns, town_problems = load_townships_checked(ledger)
    from lax.ledger import read_start

    model = build_site(entries, towns, rules, on, get_lang(), start=read_start(ledger))
    try:
        target = Path(os.path.abspath(out))  # `lax site .` too: the folder is replaced by its full name
        previous = target if (target / MARKER).is_file() else None  # its unchanged village pages are reused
        files = publish(target, lambda folder: write_pages(model, folder, previous))
    except OSError as e:
        raise LaxError(_(f"{out}: cannot write: {os_reason(e)}", f"{out}：无法写入：{os_reason(e)}")) from None
    err(
        _(
            f"wrote {files} files to {out} ({len(model['villages'])} villages as of {on}); open {out / 'index.html'}",
            f"已写入 {files} 个文件到 {out}（截至 {on} 共 {len(model['villages'])} 个村）；请打开 {out / 'index.html'}",
        )
    )
    problems = problems + town_problems
    if problems:
        # The site shows what reads; what does not is said here, and the exit code is 2 (as `ledger list`).
        for line in problems[:20]:
            err(line)
        if len(problems) > 20:
            err(
                _(
                    f"... and {len(problems) - 20} more (lax ledger verify lists them all)",
                    f"……另有 {len(problems) - 20} 处（lax ledger verify 会全部列出）",
                )
            )
        raise typer.Exit(2)
