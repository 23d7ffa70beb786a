-- grain: one row per contract
select
    contract_id,
    title,
    provider,
    service_area,
    contracting_model,
    annual_value_gbp,
    start_date,
    end_date,
    cast(date_trunc('month', start_date) as date) as first_month,
    cast(date_trunc('month', end_date) as date) as last_month,
    contract_manager,
    local_authority,
    unit_of_delivery
from raw.contracts
