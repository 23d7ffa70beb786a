-- grain: one row per contract: its scorecard in its latest reporting month, with alerts and changes since the month before
-- clustered by: domains_needing_attention desc, contract_id
with latest as (
    -- the flags live in the calendar (int_contract_months), not in contract_month: a new month then
    -- rewrites no earlier month's scorecard
    select cm.*, m.is_latest
    from contract_month as cm
    inner join int_contract_months as m using (contract_id, month)
    where m.is_contract_latest
),

changes as (
    select
        contract_id,
        month,
        count(*) as changes_since_last_month,
        count(*) filter (where direction = 'improved') as improvements,
        count(*) filter (where direction = 'declined') as declines,
        count(*) filter (where item_type = 'domain' and direction = 'improved') as domain_improvements,
        count(*) filter (where item_type = 'domain' and direction = 'declined') as domain_declines,
        count(*) filter (where item_type = 'kpi') as kpi_changes
    from month_changes
    -- only each contract's latest month is shown: count that month's changes, not every month's
    semi join latest using (contract_id, month)
    group by contract_id, month
),

missing_12m as (
    select contract_id, count(*) filter (where kpi_return_status <> 'received') as months_with_missing_returns_12m
    from contract_month as cm
    where cm.month > (select max(month) from contract_month where contract_id = cm.contract_id) - interval 12 month
    group by contract_id
)

select
    l.contract_id,
    l.title,
    l.provider,
    l.service_area,
    l.contracting_model,
    l.contract_manager,
    l.local_authority,
    l.month as as_of_month,
    l.is_latest as is_current,
    l.outcomes_rating,
    l.experience_rating,
    l.voice_rating,
    l.relationships_rating,
    l.cost_rating,
    l.relationship_diverges,
    l.domains_needing_attention,
    l.unit_of_delivery,
    l.unit_cost_gbp,
    l.cost_per_outcome_12m_gbp,
    l.kpi_return_status,
    w.contract_id is not null as watermelon_alert,
    w.alert as watermelon_reason,
    coalesce(ch.changes_since_last_month, 0) as changes_since_last_month,
    coalesce(ch.improvements, 0) as improvements,
    coalesce(ch.declines, 0) as declines,
    coalesce(ch.domain_improvements, 0) as domain_improvements,
    coalesce(ch.domain_declines, 0) as domain_declines,
    coalesce(ch.kpi_changes, 0) as kpi_changes,
    m.months_with_missing_returns_12m
from latest as l
left join watermelon_alerts as w using (contract_id, month)
left join changes as ch using (contract_id, month)
left join missing_12m as m using (contract_id)
