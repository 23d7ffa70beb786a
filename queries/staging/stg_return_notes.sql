-- grain: one row per value an import normalised rather than rejected (e.g. '1,234' read as 1234)
select source_sha256, source_file, source_sheet, source_row, column_name, original, stored, note
from rec.return_notes
