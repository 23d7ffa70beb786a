-- returns: any comment a board could see without consent, without an approval of its current text,
-- or with text other than the redacted or approved edited copy (board_comments is the privacy gate)
with comments as (
    select b.feedback_id, b.display_text, f.approval_source, f.last_decided_at, f.redacted_text, s.text,
        s.consent_to_share, s.approved_for_board
    from board_comments as b
    inner join feedback as f using (feedback_id)
    inner join stg_narrative_feedback as s using (feedback_id)
),

approvals_of_current_text as (
    select feedback_id, decided_at
    from int_decisions_on_text
    where decision = 'approved' and on_current_text
),

edits_of_current_text as (
    select feedback_id, text_after
    from int_decisions_on_text
    where decision = 'edited' and on_current_text
)

select feedback_id, 'no consent to share' as problem
from comments
where not consent_to_share
union all
select c.feedback_id, 'approved by a decision that is not an approval of the current text' as problem
from comments as c
anti join approvals_of_current_text as a
    on a.feedback_id = c.feedback_id and a.decided_at = c.last_decided_at
where c.approval_source = 'decision'
union all
select feedback_id, 'no decision on the current text, and not approved when imported' as problem
from comments
where approval_source = 'imported flag' and not approved_for_board
union all
select c.feedback_id, 'text neither the redacted copy nor an approved edit of the current text' as problem
from comments as c
where c.display_text is distinct from c.redacted_text
    and not exists (
        select 1 from edits_of_current_text as e
        where e.feedback_id = c.feedback_id and e.text_after = c.display_text
    )
union all
select feedback_id, 'shown to a board more than once' as problem
from board_comments
group by feedback_id
having count(*) > 1
