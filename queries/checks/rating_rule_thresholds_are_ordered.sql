-- returns: rating rules whose thresholds are not in order from Good to Requires improvement
select scope, direction, good, approaching, requires_improvement
from stg_rating_rules
where (direction = 'higher' and not (good >= approaching and approaching >= requires_improvement))
   or (direction = 'lower' and not (good <= approaching and approaching <= requires_improvement))
