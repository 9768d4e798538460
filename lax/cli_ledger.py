"""`lax ledger ...` (placeholder until the ledger lands)."""
import typer

app = typer.Typer(help="Keep the per-village rectification ledger.", no_args_is_help=True)
