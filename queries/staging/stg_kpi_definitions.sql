-- grain: one row per contract and KPI
select
    contract_id,
    kpi_code,
    kpi_name,
    kind,
    unit,
    direction,
    target,
    tolerance,
    national_outcome_id,
    measurement,
    kind in ('output', 'outcome') as counts_for_outcomes_domain
from raw.kpi_definitions
