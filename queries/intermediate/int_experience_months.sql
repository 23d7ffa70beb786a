-- grain: one row per contract and month with a survey return (all measures pooled)
-- materialised: table
-- clustered by: month, contract_id
-- refreshed by month: looks back 0 months
select
    contract_id,
    month,
    count(*) as measures,
    sum(respondents)::bigint as respondents,
    sum(positive)::bigint as positive
from stg_experience_measures
where respondents is not null
group by contract_id, month
