-- grain: one row per contract, month and codebook theme mentioned that month
-- clustered by: contract_id, month, theme
select
    ct.contract_id,
    ct.month,
    ct.theme,
    any_value(ct.theme_label) as theme_label,
    any_value(ct.critical_theme) as critical_theme,
    any_value(ct.theme_order) as theme_order,
    count(*) as comments,
    count(*) filter (where ct.sentiment = 'negative') as negative_comments,
    count(*) filter (where ct.sentiment = 'neutral') as neutral_comments,
    count(*) filter (where ct.sentiment = 'positive') as positive_comments,
    round(avg(ct.sentiment_score), 3) as mean_sentiment_score,
    v.comments as all_comments_in_month
from comment_themes as ct
inner join int_voice_months as v using (contract_id, month)
group by ct.contract_id, ct.month, ct.theme, v.comments
