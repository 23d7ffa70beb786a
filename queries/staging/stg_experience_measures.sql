-- grain: one row per contract, month and survey measure (an imported return replaces the base data's survey for its contract-month)
-- refreshed by month: looks back 0 months
with imported as (
    select *, max(revision) over (partition by contract_id, month) as latest_revision
    from rec.return_experience_measures
),

current_imports as (
    select
        contract_id, month, measure, respondents, positive, source_file, source_row,
        'import' as origin, source_sheet, source_sha256, imported_at, imported_by, revision
    from imported
    where revision = latest_revision
),

base as (
    select
        contract_id, month, measure, respondents, positive, source_file, source_row,
        'base data' as origin, cast(null as varchar) as source_sheet, cast(null as varchar) as source_sha256,
        cast(null as timestamp) as imported_at, cast(null as varchar) as imported_by, 0 as revision
    from raw.experience_measures
    anti join (select distinct contract_id, month from current_imports) using (contract_id, month)
)

select * from base
union all
select * from current_imports
