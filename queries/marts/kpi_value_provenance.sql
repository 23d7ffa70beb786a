-- grain: one row per contract, KPI and month with a submitted value: where the value in use came from
-- refreshed by month: looks back 0 months
select
    contract_id,
    kpi_code,
    month,
    value,
    submitted_date,
    origin,
    source_file,
    source_sheet,
    source_row,
    source_sha256,
    imported_at,
    imported_by,
    revision,
    submissions - 1 as earlier_submissions
from stg_kpi_values
where newest_first = 1 and value is not null
