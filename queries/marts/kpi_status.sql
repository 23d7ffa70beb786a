-- grain: one row per contract, KPI and active month: the value, its target and its rating (Procurement Act 2023 scale)
-- clustered by: contract_id, kpi_code, month
-- refreshed by month: looks back 0 months
select
    k.contract_id,
    k.kpi_code,
    k.kpi_name,
    k.kind,
    k.unit,
    k.direction,
    k.measurement,
    k.month,
    k.value,
    k.is_return,
    k.target,
    k.tolerance,
    case when k.direction = 'higher' then k.target - k.tolerance else k.target end as band_low,
    case when k.direction = 'higher' then k.target else k.target + k.tolerance end as band_high,
    k.cumulative_value,
    k.cumulative_target,
    k.cumulative_missing_months,
    k.shortfall_tolerances,
    k.rating,
    s.points,
    s.sort_order as rating_order,
    k.rule_applied,
    k.national_outcome_id,
    o.outcome_name as national_outcome,
    o.outcome_statement as national_outcome_statement,
    k.submitted_date,
    k.first_submitted_date,
    k.corrections,
    k.original_value,
    k.note,
    k.source_file,
    k.source_row
from int_kpi_rated as k
inner join stg_rating_scale as s using (rating)
left join stg_national_outcomes as o on o.outcome_id = k.national_outcome_id
