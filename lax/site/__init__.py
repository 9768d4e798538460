"""`lax site OUT/`: a static status page of the ledger (overview, wall chart, village timelines, to-do).

`model` computes what the pages show (from `lax.report`, `lax.ledger` and `lax.due`), `svg` draws the
charts, `pages` writes the html and the assets (`assets/`: css and a small vanilla script).
"""

from lax.site.model import build_site
from lax.site.pages import MARKER, publish, write_pages

__all__ = ["build_site", "publish", "write_pages", "MARKER"]
