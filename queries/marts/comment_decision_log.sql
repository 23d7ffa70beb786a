-- grain: one row per decision recorded on a comment (who, when, the display text before and after), newest first per comment
select
    d.decision_id,
    d.feedback_id,
    f.contract_id,
    d.decision,
    d.text_before,
    d.text_after,
    d.reason,
    d.decided_by,
    d.decided_at,
    d.newest_first,
    d.on_current_text
from int_decisions_on_text as d
inner join stg_narrative_feedback as f using (feedback_id)
