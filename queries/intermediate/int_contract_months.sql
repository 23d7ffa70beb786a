-- grain: one row per contract and month it was active within the reporting period
-- materialised: table
-- clustered by: month, contract_id
-- refreshed by month: looks back 0 months
select
    c.contract_id,
    m.month,
    m.previous_month,
    m.financial_year_start,
    m.is_latest,
    -- its last month: the contract's own end, or the reporting period's latest month if it runs on
    -- (a row's own month decides it, so a refresh by month needs no other months)
    m.month = c.last_month or m.is_latest as is_contract_latest
from stg_contracts as c
inner join int_reporting_months as m
    on m.month between c.first_month and c.last_month
