-- grain: one row per comment and theme it was tagged with (a comment with no theme has no row)
with themed as materialized (
    -- unnest the theme lists on their own first: a lateral unnest after the join is several times slower
    select feedback_id, unnest(themes) as theme, sentiment, sentiment_score
    from int_comment_tags
)

select
    f.feedback_id,
    f.contract_id,
    f.month,
    f.source,
    -- what people said (those who use the service, families and carers, the community, staff), not the
    -- provider's updates or the commissioner's notes: only these wait for a response (response_loop)
    f.source not in ('provider', 'commissioner') as is_peoples_voice,
    t.theme,
    b.label as theme_label,
    b.critical as critical_theme,
    b.sort_order as theme_order,
    t.sentiment,
    t.sentiment_score,
    f.rating_sentiment
from stg_narrative_feedback as f
inner join themed as t using (feedback_id)
inner join enriched.codebook as b on b.theme = t.theme
