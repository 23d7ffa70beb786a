-- grain: one row per contract, active month and scorecard measure, rated by the rules in rating_rules
-- refreshed by month: looks back 0 months
select
    m.contract_id,
    m.month,
    m.scope,
    m.metric,
    m.n,
    m.evidence,
    coalesce(
        m.state,
        case when m.n < r.min_n then 'Too few responses' end,
        rating_band(m.metric, r.direction, r.good, r.approaching, r.requires_improvement)
    ) as rating,
    r.metric as metric_definition,
    format(
        '{}; {} is better. Good {} {}, Approaching target {} {}, Requires improvement {} {}, else Inadequate{}.',
        r.metric, r.direction,
        case r.direction when 'higher' then '>=' else '<=' end, r.good,
        case r.direction when 'higher' then '>=' else '<=' end, r.approaching,
        case r.direction when 'higher' then '>=' else '<=' end, r.requires_improvement,
        case when r.min_n > 0 then format('; at least {} needed to rate', r.min_n) else '' end
    ) as rule_applied
from int_domain_metrics as m
inner join stg_rating_rules as r on r.scope = m.scope
