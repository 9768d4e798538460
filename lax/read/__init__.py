"""Reading what townships send: spreadsheets (.xlsx, .xls, .ods), CSV, YAML and JSON, as village records.

`records.read_records` is the entry point: it opens a file safely (`files`), finds the header and says what
its columns are (`header`), walks the rows (`rows`: footers, township carry-down, the 栏次 row), reads the
cells calamine misreads (`cells`), converts values by field type and unit (`values`), reads YAML and JSON
(`items`), folds name spellings (`names`) and finds repeated villages (`duplicates`). `bigsheet` parses a
large sheet on two cores; `guard` runs reading in a watched child process. `lax ledger import` reads an
Excel 台账 through the same header and row rules.

Nothing is imported here, so that importing a submodule stays cheap.
"""
