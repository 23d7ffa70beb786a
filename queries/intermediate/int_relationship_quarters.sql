-- grain: one row per contract and quarter with a relationship pulse from at least one side
-- materialised: table
select
    contract_id,
    quarter,
    quarter_start,
    avg(mean_score) filter (where respondent_side = 'commissioner') as commissioner_score,
    avg(mean_score) filter (where respondent_side = 'provider') as provider_score,
    avg(mean_score) as overall_score,
    count(*) as sides_returned,
    abs(
        avg(mean_score) filter (where respondent_side = 'commissioner')
        - avg(mean_score) filter (where respondent_side = 'provider')
    ) as side_gap
from stg_relationship_pulse
group by contract_id, quarter, quarter_start
