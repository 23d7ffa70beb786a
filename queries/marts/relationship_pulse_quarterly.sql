-- grain: one row per contract, quarter and respondent side (commissioner or provider)
-- clustered by: contract_id, quarter_start
select
    p.contract_id,
    p.quarter,
    p.quarter_start,
    p.respondent_side,
    p.trust,
    p.openness,
    p.shared_purpose,
    p.flexibility,
    p.mean_score,
    q.side_gap,
    p.comment,
    p.source_file,
    p.source_row
from stg_relationship_pulse as p
inner join int_relationship_quarters as q using (contract_id, quarter)
