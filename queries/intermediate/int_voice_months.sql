-- grain: one row per contract and month with at least one comment
-- materialised: table
-- clustered by: month, contract_id
-- A rated comment counts as negative when the person rated it 4 or 5, or rated it 3 (neutral)
-- while its words are negative about a critical theme in the codebook (e.g. dignity, time).
select
    f.contract_id,
    f.month,
    count(*) as comments,
    count(f.rating) as rated_comments,
    count(*) filter (
        where f.rating_sentiment = 'negative'
        or (f.rating_sentiment = 'neutral' and t.sentiment = 'negative' and len(t.critical_themes) > 0)
    ) as negative_comments,
    count(*) filter (where f.rating_sentiment = 'positive') as positive_comments,
    count(*) filter (
        where f.rating_sentiment = 'neutral' and t.sentiment = 'negative' and len(t.critical_themes) > 0
    ) as neutral_rated_negative_critical,
    count(*) filter (where t.sentiment = 'negative' and len(t.critical_themes) > 0) as negative_critical_comments,
    count(*) filter (where t.sentiment = 'negative') as negative_text_comments
from stg_narrative_feedback as f
inner join int_comment_tags as t using (feedback_id)
group by f.contract_id, f.month
