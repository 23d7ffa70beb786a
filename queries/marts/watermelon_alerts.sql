-- grain: one row per contract and month where Outcomes is Good but Experience or Voice is Requires improvement or worse
-- refreshed by month: looks back 0 months
with scale as (
    select rating, points from stg_rating_scale
)

select
    cm.contract_id,
    cm.title,
    cm.provider,
    cm.service_area,
    cm.contract_manager,
    cm.month,
    cm.outcomes_rating,
    cm.experience_rating,
    cm.voice_rating,
    cm.outcomes_evidence,
    cm.experience_evidence,
    cm.voice_evidence,
    'KPIs are green (Outcomes ' || cm.outcomes_rating || ') but people''s experience is not: Experience '
        || cm.experience_rating || ', Voice ' || cm.voice_rating || '.' as alert
from contract_month as cm
inner join scale as ex on ex.rating = cm.experience_rating
inner join scale as vo on vo.rating = cm.voice_rating
where cm.outcomes_rating = 'Good'
  and (ex.points <= 1 or vo.points <= 1)
