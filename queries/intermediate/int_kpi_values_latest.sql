-- grain: one row per contract, KPI and month that has at least one submission (the newest wins)
-- refreshed by month: looks back 0 months
with newest as (
    select * from stg_kpi_values where newest_first = 1
),

oldest as (
    -- only a corrected KPI-month has an oldest submission other than its newest, so only those are looked up
    select contract_id, kpi_code, month, value as original_value, submitted_date as first_submitted_date
    from stg_kpi_values
    where newest_first = submissions and submissions > 1
)

select
    n.contract_id,
    n.kpi_code,
    n.month,
    n.value,
    n.submitted_date,
    n.note,
    n.source_file,
    n.source_row,
    n.source_sheet,
    n.source_sha256,
    n.origin,
    n.imported_at,
    n.imported_by,
    n.revision,
    n.submissions - 1 as corrections,
    case when n.submissions = 1 then n.value else o.original_value end as original_value,
    case when n.submissions = 1 then n.submitted_date else o.first_submitted_date end as first_submitted_date
from newest as n
left join oldest as o using (contract_id, kpi_code, month)
