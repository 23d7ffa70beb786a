-- grain: one row per month of the reporting period (first to latest month with any return)
-- materialised: table
with months_seen as (
    select month from stg_kpi_values
    union all
    select month from stg_finance
    union all
    select month from stg_experience_measures
),

bounds as (
    select min(month) as first_month, max(month) as last_month from months_seen
),

calendar as (
    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date) as month, last_month
    from bounds
)

select
    month,
    month = last_month as is_latest,
    cast(month - interval 1 month as date) as previous_month,
    case when month(month) >= 4 then year(month) else year(month) - 1 end as financial_year_start
from calendar
