-- grain: one row per contract and month with at least one comment
select
    contract_id,
    month,
    count(*) as comments,
    count(rating) as rated_comments,
    count(*) filter (where rating_sentiment = 'negative') as negative_comments,
    count(*) filter (where rating_sentiment = 'positive') as positive_comments
from stg_narrative_feedback
group by contract_id, month
