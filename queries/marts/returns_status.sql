-- grain: one row per contract and active month: whether its monthly return was received, late, corrected or is missing
-- clustered by: month, contract_id
-- refreshed by month: looks back 0 months
with rule as (
    -- business rule: a return is due this many days after the end of the month it reports
    select 28 as due_days_after_month_end
),

expected as (
    select contract_id, count(*) as kpis_expected from stg_kpi_definitions group by contract_id
),

kpi as (
    select
        contract_id,
        month,
        count(*) filter (where newest_first = 1 and value is not null) as kpis_returned,
        min(submitted_date) filter (where value is not null) as first_submitted_date,
        count(*) filter (where newest_first > 1 and value is not null) as kpi_corrections
    from stg_kpi_values
    group by contract_id, month
),

survey as (
    select contract_id, month, count(respondents) > 0 as survey_returned
    from stg_experience_measures
    group by contract_id, month
),

imports as (
    select
        contract_id,
        month,
        max(revision) as latest_revision,
        count(distinct source_sha256) as import_files,
        -- two imports in the same second are told apart by revision, then file name
        arg_max(source_file, (imported_at, revision, source_file)) as last_source_file,
        max(imported_at) as last_imported_at,
        arg_max(imported_by, (imported_at, revision, source_file)) as last_imported_by
    from stg_return_rows
    group by contract_id, month
),

assembled as (
    select
        cm.contract_id,
        c.title,
        c.provider,
        cm.month,
        coalesce(e.kpis_expected, 0) as kpis_expected,
        coalesce(k.kpis_returned, 0) as kpis_returned,
        coalesce(f.is_return, false) as finance_returned,
        coalesce(s.survey_returned, false) as survey_returned,
        k.first_submitted_date,
        cast(last_day(cm.month) + rule.due_days_after_month_end as date) as due_date,
        coalesce(k.kpi_corrections, 0) as kpi_corrections,
        coalesce(i.latest_revision, 0) as latest_revision,
        coalesce(i.import_files, 0) as import_files,
        i.last_source_file,
        i.last_imported_at,
        i.last_imported_by
    from int_contract_months as cm
    inner join stg_contracts as c using (contract_id)
    cross join rule
    left join expected as e using (contract_id)
    left join kpi as k using (contract_id, month)
    left join stg_finance as f using (contract_id, month)
    left join survey as s using (contract_id, month)
    left join imports as i using (contract_id, month)
)

select
    *,
    case
        when kpis_returned = 0 and not finance_returned and not survey_returned then 'missing'
        when latest_revision > 1 or kpi_corrections > 0 then 'corrected'
        when first_submitted_date > due_date then 'late'
        else 'received'
    end as return_status,
    kpis_returned > 0 and kpis_returned < kpis_expected as is_partial,
    case when first_submitted_date > due_date then date_diff('day', due_date, first_submitted_date) end as days_late
from assembled
