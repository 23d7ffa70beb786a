-- grain: one row per contract, KPI and active month (a month with no value is a missing return, never imputed)
with spine as (
    select d.*, cm.month, cm.financial_year_start
    from stg_kpi_definitions as d
    inner join int_contract_months as cm using (contract_id)
),

valued as (
    select
        s.*,
        v.value,
        v.value is not null as is_return,
        v.submitted_date,
        v.first_submitted_date,
        v.note,
        v.source_file,
        v.source_row,
        coalesce(v.corrections, 0) as corrections,
        v.original_value
    from spine as s
    left join int_kpi_values_latest as v using (contract_id, kpi_code, month)
)

select
    *,
    case when measurement = 'cumulative' then
        sum(value) over year_to_date
    end as cumulative_value,
    case when measurement = 'cumulative' then
        target * count(*) over year_to_date
    end as cumulative_target,
    case when measurement = 'cumulative' then
        count(*) over year_to_date - count(value) over year_to_date
    end as cumulative_missing_months
from valued
window year_to_date as (
    partition by contract_id, kpi_code, financial_year_start
    order by month
    rows between unbounded preceding and current row
)
