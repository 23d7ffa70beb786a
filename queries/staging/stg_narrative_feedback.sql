-- grain: one row per comment (the base data's and the newest imported revision of each contract-month)
with imported as (
    select *, max(revision) over (partition by contract_id, month) as latest_revision
    from rec.return_narrative_feedback
),

comments as (
    select
        feedback_id, contract_id, received_date, source, text, rating, consent_to_share, approved_for_board,
        source_file, source_row,
        'base data' as origin, cast(null as varchar) as source_sheet, cast(null as varchar) as source_sha256,
        cast(null as timestamp) as imported_at, cast(null as varchar) as imported_by, 0 as revision,
        cast(null as integer) as human_sentiment, cast(null as varchar) as topic_labels,
        cast(null as varchar) as context
    from raw.narrative_feedback
    union all
    select
        feedback_id, contract_id, received_date, source, text, rating, consent_to_share, approved_for_board,
        source_file, source_row,
        'import' as origin, source_sheet, source_sha256, imported_at, imported_by, revision,
        human_sentiment, topic_labels, context
    from imported
    where revision = latest_revision
)

select
    feedback_id,
    contract_id,
    received_date,
    cast(date_trunc('month', received_date) as date) as month,
    source,
    text,
    rating,
    case
        when rating in (1, 2) then 'positive'
        when rating = 3 then 'neutral'
        when rating in (4, 5) then 'negative'
    end as rating_sentiment,
    consent_to_share = 'y' as consent_to_share,
    approved_for_board = 'y' as approved_for_board,
    source_file,
    source_row,
    origin,
    source_sheet,
    source_sha256,
    imported_at,
    imported_by,
    revision,
    human_sentiment,
    topic_labels,
    context
from comments
