-- grain: one row per rating word: its symbol, colour and meaning (from the rating_scale seed table)
select rating, points, sort_order, colour, symbol, description
from stg_rating_scale
