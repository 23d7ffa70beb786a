-- returns: watermelon alerts whose Outcomes is not Good, or whose Experience and Voice are both better than Requires improvement
-- checked by month
select w.contract_id, w.month, w.outcomes_rating, w.experience_rating, w.voice_rating
from watermelon_alerts as w
where w.outcomes_rating <> 'Good'
   or (w.experience_rating not in ('Requires improvement', 'Inadequate')
       and w.voice_rating not in ('Requires improvement', 'Inadequate'))
