-- grain: one row per approval decision on a comment (approve, edit the redacted text, reject), newest last
select
    decision_id,
    feedback_id,
    decision,
    text_before,
    text_after,
    reason,
    decided_by,
    decided_at,
    text_sha256,
    row_number() over (partition by feedback_id order by decided_at desc, decision_id desc) as newest_first
from rec.comment_decisions
