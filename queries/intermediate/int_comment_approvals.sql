-- grain: one row per comment: the comment, its tags, its approval state and the text a board would see
-- (feedback reads it whole: the comments are joined to their tags once, not once here and again there)
-- The newest decision wins: approved, rejected, or edited (an edit needs approving again).
-- With no decision recorded, the approved_for_board flag that came with the comment stands.
with latest as (
    select * from stg_comment_decisions where newest_first = 1
),

latest_text as (
    select feedback_id, text_after
    from stg_comment_decisions
    where text_after is not null
    qualify row_number() over (partition by feedback_id order by decided_at desc, decision_id desc) = 1
),

decisions as (
    select feedback_id, count(*) as decisions from stg_comment_decisions group by feedback_id
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
    coalesce(d.decisions, 0) as decisions
from stg_narrative_feedback as f
inner join int_comment_tags as t using (feedback_id)
left join latest as l using (feedback_id)
left join latest_text as lt using (feedback_id)
left join decisions as d using (feedback_id)
