-- grain: one row per contract, KPI and active month, with its rating (kpi_status says in words how it was reached)
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
    ) as rating
from measured as m
cross join rule
