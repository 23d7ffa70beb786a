-- grain: one row per approval decision on a comment, with whether it was made on the comment's current text
-- A decision carries the sha256 of the original text the decider saw; a resubmission that changes the
-- words makes every earlier decision on that comment one on an earlier text, which no longer counts.
-- A decision recorded before decisions carried the hash counts if made after the current text arrived.
select
    d.*,
    coalesce(
        d.text_sha256 = sha256(f.text),
        d.text_sha256 is null and (f.imported_at is null or d.decided_at >= f.imported_at)
    ) as on_current_text
from stg_comment_decisions as d
inner join stg_narrative_feedback as f using (feedback_id)
