-- grain: one row per contract and active month, with unit cost, cost per outcome and the service-area comparison
-- materialised: table
-- clustered by: month, contract_id
-- refreshed by month: looks back 11 months
with monthly as (
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
        f.source_row,
        sum(f.spend_gbp) over last_12 as spend_12m_gbp,
        (sum(f.outcomes_achieved) over last_12)::bigint as outcomes_12m,
        count(f.spend_gbp) over last_12 as finance_returns_12m
    from int_contract_months as cm
    inner join stg_contracts as c using (contract_id)
    left join stg_finance as f using (contract_id, month)
    window last_12 as (partition by cm.contract_id order by cm.month rows between 11 preceding and current row)
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
