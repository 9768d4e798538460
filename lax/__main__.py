"""`python -m lax` runs the command-line interface."""

from lax.cli import main

main()
