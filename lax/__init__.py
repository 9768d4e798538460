"""lax — identify and rectify weak and lax (软弱涣散) village-level Party organisations.

The package is a library (records, criteria, check, ledger, report) with a thin Typer CLI on top
(`lax.cli`). Nothing outside `lax/cli/` imports Typer.
"""

__version__ = "0.1.0"
