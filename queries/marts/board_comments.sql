-- grain: one row per comment a board may see: consent to share is yes AND it is approved; redacted text only
-- clustered by: contract_id, month desc, feedback_id
-- the rule lives once, in feedback.shareable_with_board; only columns safe for a board are selected
-- refreshed by key: feedback_id
select
    feedback_id,
    contract_id,
    title,
    provider,
    service_area,
    month,
    source,
    display_text,
    rating,
    sentiment,
    sentiment_score,
    themes
from feedback
where shareable_with_board
