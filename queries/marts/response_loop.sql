-- grain: one row per contract and theme with negative comments in the last 12 months: did anyone respond?
-- A theme counts as responded to when an action names it, or names one of its negative comments,
-- on or after the first of those negative comments. Only what people said counts
-- (comment_themes.is_peoples_voice): the provider's updates and the commissioner's notes do not.
with window_months as (
    -- the 12 months to the latest month with comments: a month's KPI or finance return arriving before
    -- its comments does not shorten the window to 11 months of comments
    select max(month) as latest from comment_themes
),

negatives as (
    select ct.contract_id, ct.theme, ct.theme_label, ct.critical_theme, ct.feedback_id, ct.month
    from comment_themes as ct
    cross join window_months as w
    where ct.sentiment = 'negative'
        and ct.month > w.latest - interval 12 month
        and ct.is_peoples_voice
),

by_theme as (
    select
        contract_id,
        theme,
        any_value(theme_label) as theme_label,
        any_value(critical_theme) as critical_theme,
        count(*) as negative_comments,
        min(month) as first_negative_month,
        max(month) as last_negative_month,
        list(feedback_id) as feedback_ids
    from negatives
    group by contract_id, theme
),

responses as (
    select
        b.contract_id,
        b.theme,
        count(a.action_id) as actions,
        max(a.changed_on) as last_action_on
    from by_theme as b
    inner join stg_actions as a
        on a.contract_id = b.contract_id
        and a.changed_month >= b.first_negative_month
        and (a.theme = b.theme or len(list_intersect(a.feedback_ids, b.feedback_ids)) > 0)
    group by b.contract_id, b.theme
)

select
    b.contract_id,
    b.theme,
    b.theme_label,
    b.critical_theme,
    b.negative_comments,
    b.first_negative_month,
    b.last_negative_month,
    coalesce(r.actions, 0) as actions,
    r.last_action_on,
    coalesce(r.actions, 0) > 0 as responded,
    avg(case when coalesce(r.actions, 0) > 0 then 1.0 else 0.0 end) over (partition by b.contract_id)
        as contract_share_of_negative_themes_responded
from by_theme as b
left join responses as r using (contract_id, theme)
