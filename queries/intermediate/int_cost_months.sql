-- grain: one row per contract and active month, with unit cost, cost per outcome and the service-area comparison
-- materialised: table
-- clustered by: month, contract_id
-- refreshed by month: looks back 11 months
with months as (
    select
        cm.contract_id,
        cm.month,
        c.service_area,
        coalesce(f.is_return, false) as is_return,
        f.spend_gbp,
        f.units_delivered,
        f.outcomes_achieved,
        f.outcome_payments_planned_gbp,
        f.outcome_payments_paid_gbp,
        f.source_file,
        f.source_row
    from int_contract_months as cm
    inner join stg_contracts as c using (contract_id)
    left join stg_finance as f using (contract_id, month)
),

last_12 as (
    -- the 12 months to each month: a join grouped by month, not a window, so that a refresh of one month
    -- adds up that month's 12 rows only; spend is added as decimals, exactly, so a total is the same to the
    -- last bit however the rows arrive (a refresh must equal a full rebuild)
    select
        now.contract_id,
        now.month,
        cast(sum(cast(before.spend_gbp as decimal(38, 9))) as double) as spend_12m_gbp,
        sum(before.outcomes_achieved)::bigint as outcomes_12m,
        count(before.spend_gbp) as finance_returns_12m
    from months as now
    inner join months as before
        on before.contract_id = now.contract_id
        and before.month between now.month - interval 11 month and now.month
    group by now.contract_id, now.month
),

monthly as (
    select m.*, l.spend_12m_gbp, l.outcomes_12m, l.finance_returns_12m
    from months as m
    inner join last_12 as l using (contract_id, month)
),

costed as (
    select
        *,
        spend_gbp / nullif(units_delivered, 0) as unit_cost_gbp,
        spend_gbp / nullif(outcomes_achieved, 0) as cost_per_outcome_gbp,
        spend_12m_gbp / nullif(outcomes_12m, 0) as cost_per_outcome_12m_gbp
    from monthly
),

peers as (
    select service_area, month, median(cost_per_outcome_12m_gbp) as peer_median_cost_per_outcome_12m_gbp
    from costed
    where is_return and cost_per_outcome_12m_gbp is not null
    group by service_area, month
)

select
    c.*,
    p.peer_median_cost_per_outcome_12m_gbp,
    c.cost_per_outcome_12m_gbp / p.peer_median_cost_per_outcome_12m_gbp as cost_ratio_to_peers
from costed as c
left join peers as p using (service_area, month)
