-- grain: one row per imported file (identified by the sha256 of its bytes)
select
    i.source_sha256,
    i.source_file,
    i.archived_as,
    i.file_format,
    i.imported_at,
    i.imported_by,
    i.rows_stored,
    i.summary,
    (select count(*) from rec.return_notes as n where n.source_sha256 = i.source_sha256) as values_normalised
from rec.return_imports as i
