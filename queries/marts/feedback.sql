-- grain: one row per comment (contract managers' view; board-facing views must use only shareable comments)
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
    f.approved_for_board,
    f.consent_to_share and f.approved_for_board as shareable_with_board,
    f.source_file,
    f.source_row
from stg_narrative_feedback as f
inner join stg_contracts as c using (contract_id)
