-- returns: experience measures whose Wilson 95% interval does not contain the observed share, or leaves 0..1
-- checked by month
select contract_id, month, measure, positive_share, positive_share_low_95, positive_share_high_95
from experience_measure_month
where is_return and respondents > 0
  and not (positive_share_low_95 <= positive_share + 1e-9
           and positive_share <= positive_share_high_95 + 1e-9
           and positive_share_low_95 >= -1e-9 and positive_share_high_95 <= 1 + 1e-9)
