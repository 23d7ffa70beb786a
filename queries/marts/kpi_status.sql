-- grain: one row per contract, KPI and active month: the value, its target and its rating (Procurement Act 2023 scale)
-- clustered by: contract_id, kpi_code, month
-- refreshed by month: looks back 11 months
-- The one table at KPI grain: a month with no value is a missing return (No return), never imputed.
-- The scorecard (int_domain_metrics), contract_month and month_changes read it, so a month's import
-- writes each KPI-month once. It is also the value's provenance: where the value in use came from (the
-- base data's file and row, or the imported file, sheet, row, checksum, who imported it, when, which revision).
with cumulative_months as (
    -- the months of cumulative KPIs with their values (no value: a missing month), for the running totals;
    -- the newest submission's value straight from stg_kpi_values, as int_kpi_values_latest (read below for
    -- the month itself) would also look up each corrected value's first submission over twelve months
    select d.contract_id, d.kpi_code, d.target, cm.month, cm.financial_year_start, v.value
    from stg_kpi_definitions as d
    inner join int_contract_months as cm using (contract_id)
    left join (select contract_id, kpi_code, month, value from stg_kpi_values where newest_first = 1) as v
        using (contract_id, kpi_code, month)
    where d.measurement = 'cumulative'
),

year_to_date as (
    -- running totals over the financial year to each month: a join grouped by month, not a window, so that
    -- a refresh of one month totals that month's rows only (a window would total every month it reads);
    -- added as decimals (to 9 places), exactly, so a total is the same to the last bit however the rows
    -- arrive (a refresh must equal a full rebuild; adding doubles in month order cost 8 times as long)
    select
        now.contract_id,
        now.kpi_code,
        now.month,
        cast(sum(cast(before.value as decimal(38, 9))) as double) as cumulative_value,
        any_value(now.target) * count(*) as cumulative_target,
        count(*) - count(before.value) as cumulative_missing_months
    from cumulative_months as now
    inner join cumulative_months as before
        on before.contract_id = now.contract_id
        and before.kpi_code = now.kpi_code
        and before.financial_year_start = now.financial_year_start
        and before.month <= now.month
    group by now.contract_id, now.kpi_code, now.month
),

valued as (
    select
        d.*,
        cm.month,
        v.value,
        v.value is not null as is_return,
        v.submitted_date,
        v.first_submitted_date,
        v.note,
        v.source_file,
        v.source_row,
        v.source_sheet,
        v.source_sha256,
        v.origin,
        v.imported_at,
        v.imported_by,
        v.revision,
        coalesce(v.corrections, 0) as corrections,
        v.original_value,
        y.cumulative_value,
        y.cumulative_target,
        y.cumulative_missing_months
    from stg_kpi_definitions as d
    inner join int_contract_months as cm using (contract_id)
    left join int_kpi_values_latest as v using (contract_id, kpi_code, month)
    left join year_to_date as y using (contract_id, kpi_code, month)
),

measured as (
    select
        *,
        case
            when not is_return then null
            when (direction = 'higher' and value >= target) or (direction = 'lower' and value <= target)
                then 0.0
            when tolerance = 0 then cast('infinity' as double)
            when direction = 'higher' then (target - value) / tolerance
            else (value - target) / tolerance
        end as shortfall_tolerances
    from valued
),

rated as (
    select
        m.*,
        coalesce(
            rating_band(m.shortfall_tolerances, r.direction, r.good, r.approaching, r.requires_improvement),
            'No return'
        ) as rating,
        -- the rule's thresholds (in tolerances) as they were when rated: the kpi_rule_applied macro words it
        r.approaching as rule_approaching,
        r.requires_improvement as rule_requires_improvement
    from measured as m
    cross join (select * from stg_rating_rules where scope = 'kpi') as r
)

select
    k.contract_id,
    k.kpi_code,
    k.kpi_name,
    k.kind,
    k.unit,
    k.direction,
    k.measurement,
    k.counts_for_outcomes_domain,
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
    k.rule_approaching,
    k.rule_requires_improvement,
    k.national_outcome_id,
    o.outcome_name as national_outcome,
    o.outcome_statement as national_outcome_statement,
    k.submitted_date,
    k.first_submitted_date,
    k.corrections,
    k.original_value,
    k.note,
    k.source_file,
    k.source_sheet,
    k.source_row,
    k.source_sha256,
    k.origin,
    k.imported_at,
    k.imported_by,
    k.revision
from rated as k
inner join stg_rating_scale as s using (rating)
left join stg_national_outcomes as o on o.outcome_id = k.national_outcome_id
