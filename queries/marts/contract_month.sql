-- grain: one row per contract and active month: the five-domain balanced scorecard with unit cost and cost per outcome
-- clustered by: contract_id, month
-- refreshed by month: looks back 0 months
with pivoted as (
    select
        contract_id,
        month,
        max(rating) filter (where scope = 'outcomes') as outcomes_rating,
        max(metric) filter (where scope = 'outcomes') as outcomes_score,
        max(evidence) filter (where scope = 'outcomes') as outcomes_evidence,
        max(rating) filter (where scope = 'experience') as experience_rating,
        max(metric) filter (where scope = 'experience') as experience_positive_share,
        max(evidence) filter (where scope = 'experience') as experience_evidence,
        max(rating) filter (where scope = 'voice') as voice_rating,
        max(metric) filter (where scope = 'voice') as voice_negative_share,
        max(evidence) filter (where scope = 'voice') as voice_evidence,
        max(rating) filter (where scope = 'relationships') as relationships_rating,
        max(metric) filter (where scope = 'relationships') as relationships_score,
        max(evidence) filter (where scope = 'relationships') as relationships_evidence,
        max(rating) filter (where scope = 'relationship_gap') as relationship_gap_rating,
        max(metric) filter (where scope = 'relationship_gap') as relationship_gap,
        max(rating) filter (where scope = 'cost') as cost_rating,
        max(metric) filter (where scope = 'cost') as cost_ratio_to_peers,
        max(evidence) filter (where scope = 'cost') as cost_evidence,
        count(*) filter (where scope <> 'relationship_gap' and rating in ('Requires improvement', 'Inadequate'))
            as domains_needing_attention
    from int_domain_ratings
    group by contract_id, month
),

kpis as (
    select
        contract_id,
        month,
        count(*) as kpis,
        count(*) filter (where is_return) as kpis_returned,
        count(*) filter (where rating = 'Good') as kpis_good,
        count(*) filter (where rating = 'Approaching target') as kpis_approaching,
        count(*) filter (where rating = 'Requires improvement') as kpis_requires_improvement,
        count(*) filter (where rating = 'Inadequate') as kpis_inadequate,
        sum(corrections)::bigint as kpi_corrections
    from kpi_status
    group by contract_id, month
)

select
    c.contract_id,
    c.title,
    c.provider,
    c.service_area,
    c.contracting_model,
    c.contract_manager,
    c.local_authority,
    c.unit_of_delivery,
    cm.month,
    p.* exclude (contract_id, month),
    p.relationship_gap_rating in ('Requires improvement', 'Inadequate') as relationship_diverges,
    e.respondents as experience_respondents,
    e.positive as experience_positive,
    wilson_low(e.positive, e.respondents) as experience_share_low_95,
    wilson_high(e.positive, e.respondents) as experience_share_high_95,
    k.kpis,
    k.kpis_returned,
    k.kpis_good,
    k.kpis_approaching,
    k.kpis_requires_improvement,
    k.kpis_inadequate,
    k.kpi_corrections,
    case
        when k.kpis_returned = 0 then 'missing'
        when k.kpis_returned < k.kpis then 'partial'
        else 'received'
    end as kpi_return_status,
    f.is_return as finance_returned,
    f.spend_gbp,
    f.units_delivered,
    f.outcomes_achieved,
    f.unit_cost_gbp,
    f.cost_per_outcome_gbp,
    f.cost_per_outcome_12m_gbp,
    f.peer_median_cost_per_outcome_12m_gbp,
    f.outcome_payments_planned_gbp,
    f.outcome_payments_paid_gbp
from int_contract_months as cm
inner join stg_contracts as c using (contract_id)
inner join pivoted as p using (contract_id, month)
left join kpis as k using (contract_id, month)
left join int_experience_months as e using (contract_id, month)
left join int_cost_months as f using (contract_id, month)
