-- grain: one row per comment: the comment, its tags, its approval state and the text a board would see
-- (feedback reads it whole: the comments are joined to their tags once, not once here and again there)
-- A decision counts only for the text it was made on (int_decisions_on_text): a resubmission that
-- changes a comment's words needs a new decision. Of the decisions that count, the newest wins: approved, rejected, or edited (an edit needs approving
-- again). With none, the approved_for_board flag that came with this text of the comment stands.
with current_decisions as (
    select * from int_decisions_on_text where on_current_text
),

latest as (
    select *
    from current_decisions
    qualify row_number() over (partition by feedback_id order by decided_at desc, decision_id desc) = 1
),

latest_text as (
    select feedback_id, text_after
    from current_decisions
    where text_after is not null
    qualify row_number() over (partition by feedback_id order by decided_at desc, decision_id desc) = 1
),

decisions as (
    select
        feedback_id,
        count(*) as decisions,
        count(*) filter (where not on_current_text) as decisions_on_earlier_text
    from int_decisions_on_text
    group by feedback_id
)

select
    f.*,
    t.sentiment,
    t.sentiment_score,
    t.themes,
    t.critical_themes,
    t.redacted_text,
    case
        when l.decision = 'approved' then 'approved'
        when l.decision = 'rejected' then 'rejected'
        when l.decision = 'edited' then 'pending'
        when f.approved_for_board then 'approved'
        else 'pending'
    end as approval_state,
    case when l.decision is null then 'imported flag' else 'decision' end as approval_source,
    coalesce(lt.text_after, t.redacted_text) as display_text,
    lt.text_after is not null as display_text_edited,
    l.decided_by as last_decided_by,
    l.decided_at as last_decided_at,
    l.reason as last_reason,
    coalesce(d.decisions, 0) as decisions,
    coalesce(d.decisions_on_earlier_text, 0) as decisions_on_earlier_text
from stg_narrative_feedback as f
inner join int_comment_tags as t using (feedback_id)
left join latest as l using (feedback_id)
left join latest_text as lt using (feedback_id)
left join decisions as d using (feedback_id)
