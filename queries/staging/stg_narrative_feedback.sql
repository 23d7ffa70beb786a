-- grain: one row per comment
select
    feedback_id,
    contract_id,
    received_date,
    cast(date_trunc('month', received_date) as date) as month,
    source,
    text,
    rating,
    case
        when rating in (1, 2) then 'positive'
        when rating = 3 then 'neutral'
        when rating in (4, 5) then 'negative'
    end as rating_sentiment,
    consent_to_share = 'y' as consent_to_share,
    approved_for_board = 'y' as approved_for_board,
    source_file,
    source_row
from raw.narrative_feedback
