-- grain: one row per submitted KPI value (a contract, KPI and month can have several: corrections)
select
    contract_id,
    kpi_code,
    month,
    value,
    submitted_date,
    note,
    source_file,
    source_row,
    row_number() over (
        partition by contract_id, kpi_code, month
        order by submitted_date desc nulls last, source_row desc
    ) as newest_first,
    count(*) over (partition by contract_id, kpi_code, month) as submissions
from raw.kpi_values
