-- grain: one row per action recorded in response to a theme or comments (board-safe: no comment text)
with negatives_before as (
    select
        a.action_id,
        count(ct.feedback_id) as negative_comments_before
    from stg_actions as a
    left join comment_themes as ct
        on ct.contract_id = a.contract_id
        and ct.theme = a.theme
        and ct.sentiment = 'negative'
        and ct.is_peoples_voice
        and ct.month <= a.changed_month
    group by a.action_id
)

select
    a.action_id,
    a.contract_id,
    c.title,
    a.theme,
    b.label as theme_label,
    len(a.feedback_ids) as comments_responded_to,
    coalesce(n.negative_comments_before, 0) as negative_comments_before,
    a.what_changed,
    a.changed_on,
    a.changed_month,
    a.recorded_by,
    a.recorded_at
from stg_actions as a
inner join stg_contracts as c using (contract_id)
left join enriched.codebook as b on b.theme = a.theme
left join negatives_before as n using (action_id)
