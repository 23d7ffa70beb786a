-- grain: one row per rating word
select rating, points, sort_order, colour, symbol, description
from raw.rating_scale
