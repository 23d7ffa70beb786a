-- grain: one row per contract, KPI and active month, with its rating and the rule that produced it
-- refreshed by month: looks back 0 months
with rule as (
    select * from stg_rating_rules where scope = 'kpi'
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
    from int_kpi_months
)

select
    m.*,
    coalesce(
        rating_band(m.shortfall_tolerances, rule.direction, rule.good, rule.approaching, rule.requires_improvement),
        'No return'
    ) as rating,
    case
        when not m.is_return then
            'No return: the provider sent no value for ' || strftime(m.month, '%B %Y') || ' (never imputed).'
        else
            format(
                '{} against target {} ({} is better, tolerance {}): {} tolerance(s) short. '
                || 'Good at target, Approaching target within {}, Requires improvement within {}, else Inadequate.',
                round(m.value, 2), round(m.target, 2), m.direction, round(m.tolerance, 2),
                round(greatest(m.shortfall_tolerances, 0), 2), rule.approaching, rule.requires_improvement
            )
    end as rule_applied
from measured as m
cross join rule
