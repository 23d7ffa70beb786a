-- grain: one row per submitted KPI value (a contract, KPI and month can have several: corrections and import revisions)
-- materialised: table
-- clustered by: month, contract_id
-- refreshed by month: looks back 0 months
with newest_revision as (
    -- a newer revision of a contract-month's return replaces the older one; a KPI left out of the newest
    -- revision has no value (No return), its earlier rows stay in the records store (see return_revisions)
    select contract_id, month, max(revision) as revision
    from rec.return_kpi_values
    group by contract_id, month
),

current_kpis as (
    -- the KPIs the newest revision of each contract-month's return holds
    select distinct r.contract_id, r.kpi_code, r.month
    from rec.return_kpi_values as r
    semi join newest_revision as n using (contract_id, month, revision)
),

current_imports as (
    select
        contract_id, kpi_code, month, value, submitted_date, note, source_file, source_row,
        'import' as origin, source_sheet, source_sha256, imported_at, imported_by, revision
    from rec.return_kpi_values
    semi join current_kpis using (contract_id, kpi_code, month)
),

base as (
    -- the base data folder's rows; a blank placeholder gives way to an imported value for the same KPI-month
    select
        r.contract_id, r.kpi_code, r.month, r.value, r.submitted_date, r.note, r.source_file, r.source_row,
        'base data' as origin, cast(null as varchar) as source_sheet, cast(null as varchar) as source_sha256,
        cast(null as timestamp) as imported_at, cast(null as varchar) as imported_by, 0 as revision
    from raw.kpi_values as r
    where r.value is not null
        or not exists (
            select 1 from current_imports as i
            where i.contract_id = r.contract_id and i.kpi_code = r.kpi_code and i.month = r.month
        )
),

submissions as (
    select * from base
    union all
    select * from current_imports
)

select
    contract_id,
    kpi_code,
    month,
    value,
    submitted_date,
    note,
    source_file,
    source_row,
    row_number() over (
        partition by contract_id, kpi_code, month
        order by revision desc, submitted_date desc nulls last, source_row desc
    ) as newest_first,
    count(*) over (partition by contract_id, kpi_code, month) as submissions,
    origin,
    source_sheet,
    source_sha256,
    imported_at,
    imported_by,
    revision
from submissions
