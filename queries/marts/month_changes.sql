-- grain: one row per contract, month and scorecard domain or KPI whose rating changed since the previous month
-- clustered by: month, contract_id
-- refreshed by month: looks back 1 month
with domain_ratings as (
    select
        contract_id,
        month,
        'domain' as item_type,
        scope as item_code,
        upper(scope[1]) || replace(scope[2:], '_', ' ') as item_name,
        rating,
        cast(null as varchar) as note
    from int_domain_ratings
),

kpi_ratings as (
    -- the note the provider sent with the month's value says why it moved, where it says anything
    select contract_id, month, 'kpi' as item_type, kpi_code as item_code, kpi_name as item_name, rating, note
    from kpi_status
),

ratings as (
    select * from domain_ratings
    union all
    select * from kpi_ratings
),

compared as (
    select
        now.contract_id,
        now.month,
        now.item_type,
        now.item_code,
        now.item_name,
        before.rating as previous_rating,
        now.rating,
        now.note,
        sb.points as previous_points,
        sn.points as points
    from ratings as now
    inner join ratings as before
        on before.contract_id = now.contract_id
        and before.item_type = now.item_type
        and before.item_code = now.item_code
        and before.month = now.month - interval 1 month
    inner join stg_rating_scale as sn on sn.rating = now.rating
    inner join stg_rating_scale as sb on sb.rating = before.rating
    where now.rating <> before.rating
)

select
    c.contract_id,
    c.month,
    c.item_type,
    c.item_code,
    c.item_name,
    c.previous_rating,
    c.rating,
    case
        when c.points is null then 'no rating now'
        when c.previous_points is null then 'rated again'
        when c.points > c.previous_points then 'improved'
        else 'declined'
    end as direction,
    c.note
from compared as c
