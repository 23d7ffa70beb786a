-- grain: one row per comment and theme it was tagged with (a comment with no theme has no row)
select
    f.feedback_id,
    f.contract_id,
    f.month,
    f.source,
    u.theme,
    b.label as theme_label,
    b.critical as critical_theme,
    b.sort_order as theme_order,
    t.sentiment,
    t.sentiment_score,
    f.rating_sentiment
from stg_narrative_feedback as f
inner join int_comment_tags as t using (feedback_id)
cross join unnest(t.themes) as u(theme)
inner join enriched.codebook as b on b.theme = u.theme
