"""The `lax` command line: a thin Typer layer over the library.

Each command parses its options, calls one library function, and prints. `lax ledger ...` lives in
`lax.cli_ledger` and `lax report` in `lax.cli_report`. Heavy libraries (spreadsheets, templates, Word)
are imported inside commands so that `lax --help` and `lax --version` stay instant (SPEC §9).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from lax import __version__
from lax.cli_ledger import app as ledger_app
from lax.cli_report import report as report_command

app = typer.Typer(
    name="lax",
    help="Identify and rectify weak and lax (软弱涣散) village-level Party organisations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lax {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
) -> None:
    """Identify and rectify weak and lax (软弱涣散) village-level Party organisations."""


app.add_typer(ledger_app, name="ledger")
app.command("report")(report_command)


def main() -> None:
    app()
