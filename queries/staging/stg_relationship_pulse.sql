-- grain: one row per contract, quarter and respondent side
select
    contract_id,
    quarter,
    make_date(cast(left(quarter, 4) as integer), (cast(right(quarter, 1) as integer) - 1) * 3 + 1, 1) as quarter_start,
    respondent_side,
    trust,
    openness,
    shared_purpose,
    flexibility,
    (trust + openness + shared_purpose + flexibility) / 4.0 as mean_score,
    comment,
    source_file,
    source_row
from raw.relationship_pulse
