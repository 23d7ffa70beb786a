-- grain: one row per positive comment a board may see ("what went well"), by contract and month
-- refreshed by key: feedback_id
select
    feedback_id,
    contract_id,
    title,
    month,
    source,
    display_text,
    sentiment_score,
    themes
from board_comments
where sentiment = 'positive'
