-- grain: one row per comment a board may see: consent to share is yes AND it is approved; redacted text only
select
    f.feedback_id,
    f.contract_id,
    c.title,
    c.provider,
    c.service_area,
    f.month,
    f.source,
    a.display_text,
    f.rating,
    t.sentiment,
    t.sentiment_score,
    t.themes
from stg_narrative_feedback as f
inner join stg_contracts as c using (contract_id)
inner join int_comment_tags as t using (feedback_id)
inner join int_comment_approvals as a using (feedback_id)
where f.consent_to_share and a.approval_state = 'approved'
