-- grain: one row per contract, KPI and active month: the value, its target and its rating (Procurement Act 2023 scale)
-- materialised: view
-- refreshed by month: looks back 0 months
-- A view: the month's measures are stored once, in int_kpi_status (in contract order, so one contract's rows
-- are read from the row groups that hold them); the KPI's definition, its national outcome and the sentence
-- saying how the rating was reached are joined by key when read. Stored whole, they were two thirds of the
-- bytes a monthly import wrote to this table.
with rule as (
    select * from stg_rating_rules where scope = 'kpi'
)

select
    k.contract_id,
    k.kpi_code,
    d.kpi_name,
    d.kind,
    d.unit,
    d.direction,
    d.measurement,
    k.month,
    k.value,
    k.is_return,
    d.target,
    d.tolerance,
    case when d.direction = 'higher' then d.target - d.tolerance else d.target end as band_low,
    case when d.direction = 'higher' then d.target else d.target + d.tolerance end as band_high,
    k.cumulative_value,
    k.cumulative_target,
    k.cumulative_missing_months,
    k.shortfall_tolerances,
    k.rating,
    s.points,
    s.sort_order as rating_order,
    case
        when not k.is_return then
            'No return: the provider sent no value for ' || strftime(k.month, '%B %Y') || ' (never imputed).'
        else
            format(
                '{} against target {} ({} is better, tolerance {}): {} tolerance(s) short. '
                || 'Good at target, Approaching target within {}, Requires improvement within {}, else Inadequate.',
                round(k.value, 2), round(d.target, 2), d.direction, round(d.tolerance, 2),
                round(greatest(k.shortfall_tolerances, 0), 2), rule.approaching, rule.requires_improvement
            )
    end as rule_applied,
    d.national_outcome_id,
    o.outcome_name as national_outcome,
    o.outcome_statement as national_outcome_statement,
    k.submitted_date,
    k.first_submitted_date,
    k.corrections,
    k.original_value,
    k.note,
    k.source_file,
    k.source_row
from int_kpi_status as k
inner join stg_kpi_definitions as d using (contract_id, kpi_code)
inner join stg_rating_scale as s using (rating)
left join stg_national_outcomes as o on o.outcome_id = d.national_outcome_id
cross join rule
