-- grain: one row per row stored by an import, in any returns table and any revision (the history)
-- refreshed by month: looks back 0 months
with kpi as (
    select 'kpi_values' as return_table, contract_id, month, kpi_code as item, revision, source_file, source_sheet,
        source_row, source_sha256, imported_at, imported_by
    from rec.return_kpi_values
),

experience as (
    select 'experience_measures', contract_id, month, measure, revision, source_file, source_sheet,
        source_row, source_sha256, imported_at, imported_by
    from rec.return_experience_measures
),

finance as (
    select 'finance', contract_id, month, 'finance', revision, source_file, source_sheet,
        source_row, source_sha256, imported_at, imported_by
    from rec.return_finance
),

comments as (
    select 'narrative_feedback', contract_id, month, feedback_id, revision, source_file, source_sheet,
        source_row, source_sha256, imported_at, imported_by
    from rec.return_narrative_feedback
)

select * from kpi
union all select * from experience
union all select * from finance
union all select * from comments
