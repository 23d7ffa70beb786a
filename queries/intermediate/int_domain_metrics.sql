-- grain: one row per contract, active month and scorecard measure (five domains plus the relationship gap)
-- materialised: table
-- clustered by: month, contract_id
-- refreshed by month: looks back 0 months
with outcomes as (
    select
        k.contract_id,
        k.month,
        'outcomes' as scope,
        avg(k.points) filter (where k.is_return) as metric,
        count(*) filter (where k.is_return) as n,
        case when count(*) filter (where k.is_return) = 0 then 'No return' end as state,
        printf(
            '%d of %d output and outcome KPIs returned: %d Good, %d Approaching target, %d Requires improvement, %d Inadequate',
            count(*) filter (where k.is_return), count(*),
            count(*) filter (where k.rating = 'Good'), count(*) filter (where k.rating = 'Approaching target'),
            count(*) filter (where k.rating = 'Requires improvement'), count(*) filter (where k.rating = 'Inadequate')
        ) as evidence
    from kpi_status as k
    where k.counts_for_outcomes_domain
    group by k.contract_id, k.month
),

experience as (
    select
        cm.contract_id,
        cm.month,
        'experience' as scope,
        e.positive / e.respondents as metric,
        coalesce(e.respondents, 0) as n,
        case when e.respondents is null then 'No return' end as state,
        case
            when e.respondents is null then 'No survey return this month'
            else printf('%d of %d answers positive across %d measures', e.positive, e.respondents, e.measures)
        end as evidence
    from int_contract_months as cm
    left join int_experience_months as e using (contract_id, month)
),

voice as (
    select
        cm.contract_id,
        cm.month,
        'voice' as scope,
        v.negative_comments / nullif(v.rated_comments, 0) as metric,
        coalesce(v.rated_comments, 0) as n,
        null as state,
        printf(
            '%d comments, %d with a rating: %d negative, %d positive; %d negative about a critical theme (%d of them rated neutral)',
            coalesce(v.comments, 0), coalesce(v.rated_comments, 0),
            coalesce(v.negative_comments, 0), coalesce(v.positive_comments, 0),
            coalesce(v.negative_critical_comments, 0), coalesce(v.neutral_rated_negative_critical, 0)
        ) as evidence
    from int_contract_months as cm
    left join int_voice_months as v using (contract_id, month)
),

pulse as (
    -- a month is judged on the latest pulse from its own or the previous quarter
    select cm.contract_id, cm.month, q.quarter, q.overall_score, q.side_gap, q.sides_returned,
        q.commissioner_score, q.provider_score
    from int_contract_months as cm
    asof left join int_relationship_quarters as q
        on cm.contract_id = q.contract_id and cm.month >= q.quarter_start
    where q.quarter_start is null or q.quarter_start > cm.month - interval 6 month
),

relationship_months as (
    select cm.contract_id, cm.month, p.* exclude (contract_id, month)
    from int_contract_months as cm
    left join pulse as p using (contract_id, month)
),

relationships as (
    select
        contract_id,
        month,
        'relationships' as scope,
        overall_score as metric,
        coalesce(sides_returned, 0) as n,
        case when overall_score is null then 'No return' end as state,
        case
            when quarter is null then 'No relationship pulse in this or the previous quarter'
            else printf('%s pulse: commissioner %s, provider %s (mean of trust, openness, shared purpose, flexibility)',
                quarter, coalesce(cast(round(commissioner_score, 2) as varchar), 'no return'),
                coalesce(cast(round(provider_score, 2) as varchar), 'no return'))
        end as evidence
    from relationship_months
),

relationship_gap as (
    select
        contract_id,
        month,
        'relationship_gap' as scope,
        side_gap as metric,
        coalesce(sides_returned, 0) as n,
        case when side_gap is null then 'No return' end as state,
        case
            when side_gap is null then 'Both sides are needed to compare views'
            else printf('%s pulse: commissioner %.2f vs provider %.2f, a gap of %.2f points',
                quarter, commissioner_score, provider_score, side_gap)
        end as evidence
    from relationship_months
),

cost as (
    select
        contract_id,
        month,
        'cost' as scope,
        cost_ratio_to_peers as metric,
        finance_returns_12m as n,
        case
            when not is_return then 'No return'
            when coalesce(outcomes_12m, 0) = 0 then 'Inadequate'
        end as state,
        case
            when not is_return then 'No finance return this month'
            when coalesce(outcomes_12m, 0) = 0 then printf('£%,.0f spent over 12 months with no outcomes recorded', spend_12m_gbp)
            else printf('£%,.0f per outcome over 12 months against a %s median of £%,.0f',
                cost_per_outcome_12m_gbp, service_area, peer_median_cost_per_outcome_12m_gbp)
        end as evidence
    from int_cost_months
)

select * from outcomes
union all by name select * from experience
union all by name select * from voice
union all by name select * from relationships
union all by name select * from relationship_gap
union all by name select * from cost
