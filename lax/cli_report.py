"""`lax report` (placeholder until reports land)."""


def report() -> None:
    """Draft the quarterly and yearly summaries from the ledger."""
