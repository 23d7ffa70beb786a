-- grain: one row per contract, KPI and active month: what is measured that month (the KPI's own columns are joined by kpi_status)
-- materialised: table
-- clustered by: contract_id, kpi_code, month
-- refreshed by month: looks back 0 months
select
    contract_id,
    kpi_code,
    month,
    value,
    is_return,
    cumulative_value,
    cumulative_target,
    cumulative_missing_months,
    shortfall_tolerances,
    rating,
    submitted_date,
    first_submitted_date,
    corrections,
    original_value,
    note,
    source_file,
    source_row
from int_kpi_rated
