"""Excel in and out: the fill-in template, the export with the national 自评表, and the import that validates a
whole workbook before it writes anything.

- :mod:`.sheets` — the sheets and columns, shared by the writer and the reader, so they cannot drift apart.
- :mod:`.safe_writer` — the one way cells are written (formula injection and illegal XML characters).
- :mod:`.template` — the data sheets, prefilled; :mod:`.exporter` — the 自评表 plus the data sheets.
- :mod:`.cells` — one cell's value to a Decimal, a text or a choice, with a Chinese message when it cannot be.
- :mod:`.importer` — file checks, workbook → plain data, plain data → plan of changes, plan → one transaction.
"""
