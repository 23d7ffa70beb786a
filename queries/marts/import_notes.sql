-- grain: one row per value an import normalised instead of rejecting, with the file, sheet, row and column it came from
select
    n.source_file,
    n.source_sheet,
    n.source_row,
    n.column_name,
    n.original,
    n.stored,
    n.note,
    n.source_sha256,
    i.imported_at,
    i.imported_by
from stg_return_notes as n
left join stg_return_imports as i using (source_sha256)
