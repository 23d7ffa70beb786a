-- grain: one row per contract, active month and survey measure the contract reports (no row = never reported that measure)
-- clustered by: contract_id, month, measure
-- refreshed by month: looks back 0 months
with spine as (
    select cm.contract_id, cm.month, m.measure
    from int_contract_months as cm
    inner join int_contract_measures as m using (contract_id)
)

select
    s.contract_id,
    s.month,
    s.measure,
    e.respondents is not null as is_return,
    e.respondents,
    e.positive,
    e.positive / e.respondents as positive_share,
    wilson_low(e.positive, e.respondents) as positive_share_low_95,
    wilson_high(e.positive, e.respondents) as positive_share_high_95,
    e.source_file,
    e.source_row
from spine as s
left join stg_experience_measures as e using (contract_id, month, measure)
