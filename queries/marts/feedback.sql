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
    f.approval_state = 'approved' as approved_for_board,
    f.consent_to_share and f.approval_state = 'approved' as shareable_with_board,
    f.source_file,
    f.source_row,
    f.sentiment,
    f.sentiment_score,
    f.themes,
    f.critical_themes,
    f.redacted_text,
    f.display_text,
    f.display_text_edited,
    f.redacted_text <> f.text as text_was_redacted,
    f.approval_state,
    f.approval_source,
    f.last_decided_by,
    f.last_decided_at,
    f.last_reason,
    f.decisions,
    f.decisions_on_earlier_text
from int_comment_approvals as f
inner join stg_contracts as c using (contract_id)
