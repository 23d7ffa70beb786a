-- grain: one row per rated scope (kpi, each scorecard domain, relationship gap)
select scope, metric, direction, good, approaching, requires_improvement, coalesce(min_n, 0) as min_n, description
from raw.rating_rules
