-- returns: any rating in the marts that is not a word on the rating scale
-- checked by month
with used as (
    select 'kpi_status' as mart, rating from kpi_status
    union all select 'contract_month.outcomes', outcomes_rating from contract_month
    union all select 'contract_month.experience', experience_rating from contract_month
    union all select 'contract_month.voice', voice_rating from contract_month
    union all select 'contract_month.relationships', relationships_rating from contract_month
    union all select 'contract_month.relationship_gap', relationship_gap_rating from contract_month
    union all select 'contract_month.cost', cost_rating from contract_month
)
select distinct u.mart, u.rating
from used as u
left join stg_rating_scale as s using (rating)
where s.rating is null
