-- grain: one row per comment, with the tags written at build time (contract_monitor/narrative/enrich.py)
with critical as (
    select coalesce(list(theme order by sort_order), []) as themes
    from enriched.codebook
    where critical
)

select
    t.feedback_id,
    t.sentiment,
    t.sentiment_score,
    t.themes,
    list_filter(t.themes, x -> list_contains(c.themes, x)) as critical_themes,
    t.redacted_text
from enriched.comment_tags as t
cross join critical as c
