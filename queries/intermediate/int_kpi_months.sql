-- grain: one row per contract, KPI and active month (a month with no value is a missing return, never imputed)
-- materialised: table
-- clustered by: month, contract_id
-- refreshed by month: looks back 11 months
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
),

cumulative_values as (
    -- the values of cumulative KPIs only, before joining them to their months: every month of a contract's
    -- KPI shares its measurement, and most KPIs are not cumulative
    select v.contract_id, v.kpi_code, v.month, v.value
    from int_kpi_values_latest as v
    semi join stg_kpi_definitions as d
        on d.contract_id = v.contract_id and d.kpi_code = v.kpi_code and d.measurement = 'cumulative'
),

year_to_date as (
    -- running totals over the financial year, carrying only the columns they need through the window
    select
        contract_id,
        kpi_code,
        month,
        sum(value) over ytd as cumulative_value,
        target * count(*) over ytd as cumulative_target,
        count(*) over ytd - count(value) over ytd as cumulative_missing_months
    from (
        select s.contract_id, s.kpi_code, s.month, s.financial_year_start, s.target, c.value
        from spine as s
        left join cumulative_values as c using (contract_id, kpi_code, month)
        where s.measurement = 'cumulative'
    )
    window ytd as (
        partition by contract_id, kpi_code, financial_year_start
        order by month
        rows between unbounded preceding and current row
    )
)

select v.*, y.cumulative_value, y.cumulative_target, y.cumulative_missing_months
from valued as v
left join year_to_date as y using (contract_id, kpi_code, month)
