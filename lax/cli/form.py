"""`lax criteria` and `lax form`: the standards in force, listed, or as a blank form townships fill in.

Thin: load the criteria file (`lax.criteria`), then print it (`lax.render.terminal`) or write the form
(`lax.render.form`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lax.cli.common import CriteriaOpt, LangOpt, command, err
from lax.i18n import _, get_lang
from lax.problems import LaxError


@command
def criteria_cmd(
    criteria: CriteriaOpt = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    lang: LangOpt = None,
) -> None:
    """List the definition standards in force and the policy (time limits, pass score).

    Example: lax criteria --lang zh
    """
    from lax.criteria import load_criteria
    from lax.render.terminal import print_criteria

    crit = load_criteria(criteria)
    if format == "json":
        import json

        from lax.render.terminal import criteria_data

        sys.stdout.write(json.dumps(criteria_data(crit), ensure_ascii=False, indent=2) + "\n")
    elif format == "table":
        print_criteria(crit)
    else:
        raise LaxError(_(f"--format: '{format}' is not table or json", f"--format：“{format}”不是 table 或 json"))


@command
def form(
    output: Annotated[Path, typer.Argument(help="Where to write the blank form (.xlsx).", show_default=False)],
    criteria: CriteriaOpt = None,
    lang: LangOpt = None,
) -> None:
    """Write a blank input form townships fill in and `lax check` reads back.

    Example: lax form 排查表.xlsx
    """
    from lax.criteria import load_criteria
    from lax.render.form import write_form

    crit = load_criteria(criteria)
    # through a temporary file; an OS error comes back as one line; the criteria file is never overwritten
    from lax.criteria import default_criteria_path

    write_form(crit, output, get_lang(), keep=[criteria if criteria is not None else default_criteria_path()])
    err(_(f"wrote {output}", f"已写入 {output}"))
