-- grain: one row per imported file: when, by whom, its sha256, where the raw file is archived and what it held
select
    i.source_sha256,
    i.source_file,
    i.file_format,
    i.imported_at,
    i.imported_by,
    i.rows_stored,
    i.values_normalised,
    i.summary,
    i.archived_as,
    (select string_agg(distinct r.contract_id, ', ' order by r.contract_id)
     from stg_return_rows as r where r.source_sha256 = i.source_sha256) as contracts,
    (select count(distinct (r.contract_id, r.month))
     from stg_return_rows as r where r.source_sha256 = i.source_sha256) as contract_months
from stg_return_imports as i
