"""The ledger on disk: one YAML file per village, read, checked, appended to, and recorded from `lax check`.

A ledger folder holds `<township>-<village>.yaml` per village (identity plus an append-only list of dated
events, README "The files") and `_townships/<township>.yaml` for township-level records (quarterly
submissions). Nothing but events is stored: states come from `lax.lifecycle`.

The package, one module per noun (this file only re-exports their public names, so `from lax import
ledger; ledger.load_entries(...)` works):

- `names`: file names of villages and townships, names and codes as typed, finding a village;
- `fileformat`: the canonical YAML layout, written and read (the exact fast parser, PyYAML otherwise);
- `validate`: checking a file, every problem a coded `lax.problems.Problem` (`FILE:LINE: message`);
- `store`: reading the folder, the cache, `verify`;
- `transaction`: the lock, atomic writes of several files with a journal, recovery after a crash;
- `append`: adding events to village files (`open_village`, `add_event`);
- `record`: recording a check (`record_check`);
- `start`: the ledger's first quarter (`_ledger.yaml`, `lax ledger start`);
- `views`: the ledger as data for `ledger show`, `list` and `log`;
- `work`: the work record of the county and townships (`_work/<year>.yaml`, `lax ledger work`);
- `measured`: the tracked measures (satisfaction, petitions) at identification and after, for 成效;
- `recorder`: who recorded an event and when; `excel`: the ledger as an Excel 台账, imported and exported.
"""

from lax.ledger.append import add_event, make_event, open_village
from lax.ledger.fileformat import Entry, dump_entry, dump_township, dump_village, event_dict, parse_text
from lax.ledger.measured import ACCEPTANCE_KEYS, before_after, befores_afters, village_measures
from lax.ledger.names import (
    CACHE_DIR,
    JOURNAL_NAME,
    LEDGER_FILE,
    LOCK_NAME,
    TOWNSHIPS_DIR,
    check_code,
    check_name,
    find_village,
    safe_part,
    township_file_name,
    village_file_name,
)
from lax.ledger.record import RecordSummary, check_rows, quarter_of, record_check, record_result
from lax.ledger.start import read_start, set_start, start_problems
from lax.ledger.store import (
    load_entries,
    load_entries_checked,
    load_townships,
    load_townships_checked,
    township_file,
    township_files_read,
    verify,
    verify_checked,
)
from lax.ledger.transaction import locked
from lax.ledger.validate import (
    FUNDS_CONFIRMED,
    HARD_MAX_FUNDS,
    MAX_FUNDS,
    UNTRUSTED,
    Checked,
    funds_problem,
    problem_text,
    read_village,
)
from lax.ledger.views import ListView, json_value, list_data, list_view, log_data, show_data, summary
from lax.ledger.work import WorkRecord, add_work, load_work, verify_work

__all__ = [
    "ACCEPTANCE_KEYS",
    "before_after",
    "befores_afters",
    "village_measures",
    "CACHE_DIR",
    "FUNDS_CONFIRMED",
    "HARD_MAX_FUNDS",
    "JOURNAL_NAME",
    "LEDGER_FILE",
    "LOCK_NAME",
    "MAX_FUNDS",
    "TOWNSHIPS_DIR",
    "UNTRUSTED",
    "WorkRecord",
    "Checked",
    "Entry",
    "RecordSummary",
    "add_event",
    "add_work",
    "check_code",
    "check_name",
    "check_rows",
    "dump_entry",
    "dump_township",
    "dump_village",
    "event_dict",
    "find_village",
    "funds_problem",
    "json_value",
    "list_data",
    "list_view",
    "ListView",
    "load_entries",
    "load_entries_checked",
    "load_townships",
    "load_townships_checked",
    "load_work",
    "locked",
    "log_data",
    "make_event",
    "open_village",
    "parse_text",
    "problem_text",
    "quarter_of",
    "read_start",
    "read_village",
    "record_check",
    "record_result",
    "safe_part",
    "set_start",
    "show_data",
    "start_problems",
    "summary",
    "township_file",
    "township_file_name",
    "township_files_read",
    "verify",
    "verify_checked",
    "verify_work",
    "village_file_name",
]
