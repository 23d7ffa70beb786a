-- grain: one row per contract and month (an imported return replaces the base data's row for its contract-month)
-- refreshed by month: looks back 0 months
with imported as (
    select *, max(revision) over (partition by contract_id, month) as latest_revision
    from rec.return_finance
),

current_imports as (
    select
        contract_id, month, spend_gbp, units_delivered, outcomes_achieved, outcome_payments_planned_gbp,
        outcome_payments_paid_gbp, source_file, source_row,
        'import' as origin, source_sheet, source_sha256, imported_at, imported_by, revision
    from imported
    where revision = latest_revision
),

base as (
    select
        contract_id, month, spend_gbp, units_delivered, outcomes_achieved, outcome_payments_planned_gbp,
        outcome_payments_paid_gbp, source_file, source_row,
        'base data' as origin, cast(null as varchar) as source_sheet, cast(null as varchar) as source_sha256,
        cast(null as timestamp) as imported_at, cast(null as varchar) as imported_by, 0 as revision
    from raw.finance
    anti join current_imports using (contract_id, month)
),

combined as (
    select * from base
    union all
    select * from current_imports
)

select
    contract_id,
    month,
    spend_gbp,
    units_delivered,
    outcomes_achieved,
    outcome_payments_planned_gbp,
    outcome_payments_paid_gbp,
    spend_gbp is not null as is_return,
    source_file,
    source_row,
    origin,
    source_sheet,
    source_sha256,
    imported_at,
    imported_by,
    revision
from combined
