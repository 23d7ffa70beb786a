-- grain: one row per contract and month it was active within the reporting period
-- materialised: table
select
    c.contract_id,
    m.month,
    m.previous_month,
    m.financial_year_start,
    m.is_latest,
    max(m.month) over (partition by c.contract_id) = m.month as is_contract_latest
from stg_contracts as c
inner join int_reporting_months as m
    on m.month between c.first_month and c.last_month
