-- grain: one row per comment (contract managers' view: `text` is the restricted original; board-facing views use board_comments)
-- clustered by: contract_id, received_date desc, feedback_id
-- refreshed by key: feedback_id
select
    f.feedback_id,
    f.contract_id,
    c.title,
    c.provider,
    c.service_area,
    f.received_date,
    f.month,
    f.source,
    f.text,
    f.rating,
    f.rating_sentiment,
    f.consent_to_share,
    a.approval_state = 'approved' as approved_for_board,
    f.consent_to_share and a.approval_state = 'approved' as shareable_with_board,
    f.source_file,
    f.source_row,
    t.sentiment,
    t.sentiment_score,
    t.themes,
    t.critical_themes,
    t.redacted_text,
    a.display_text,
    a.display_text_edited,
    t.redacted_text <> f.text as text_was_redacted,
    a.approval_state,
    a.approval_source,
    a.last_decided_by,
    a.last_decided_at,
    a.last_reason,
    a.decisions
from stg_narrative_feedback as f
inner join stg_contracts as c using (contract_id)
inner join int_comment_tags as t using (feedback_id)
inner join int_comment_approvals as a using (feedback_id)
