-- grain: one row per action recorded in response to a theme or to comments ("you said, we did")
select
    action_id,
    contract_id,
    theme,
    coalesce(feedback_ids, []) as feedback_ids,
    what_changed,
    changed_on,
    cast(date_trunc('month', changed_on) as date) as changed_month,
    recorded_by,
    recorded_at
from rec.actions
