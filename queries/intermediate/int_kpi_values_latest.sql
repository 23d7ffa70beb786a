-- grain: one row per contract, KPI and month that has at least one submission (the newest wins)
with newest as (
    select * from stg_kpi_values where newest_first = 1
),

oldest as (
    select contract_id, kpi_code, month, value as original_value, submitted_date as first_submitted_date
    from stg_kpi_values
    where newest_first = submissions
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
    n.submissions - 1 as corrections,
    o.original_value,
    o.first_submitted_date
from newest as n
inner join oldest as o using (contract_id, kpi_code, month)
