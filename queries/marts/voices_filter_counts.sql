-- grain: one row per Voices filter (facet) and value it offers, with how many comments have that value
-- read on every Voices page load, so the five counts are made once at build time, not per visit
with comments as (
    select
        contract_id,
        title,
        source,
        coalesce(sentiment, 'not rated') as sentiment,
        month
    from feedback
),

contracts as (
    select 'contract' as facet, contract_id as value, any_value(title) as label, count(*) as comments
    from comments
    group by contract_id
),

sources as (
    select 'source' as facet, source as value, null as label, count(*) as comments
    from comments
    group by source
),

sentiments as (
    select 'sentiment' as facet, sentiment as value, null as label, count(*) as comments
    from comments
    group by sentiment
),

months as (
    select 'month' as facet, strftime(month, '%Y-%m-%d') as value, null as label, count(*) as comments
    from comments
    group by month
),

themes as (
    select 'theme' as facet, theme as value, any_value(theme_label) as label, sum(comments)::bigint as comments
    from theme_month_counts
    group by theme
)

select * from contracts
union all select * from sources
union all select * from sentiments
union all select * from months
union all select * from themes
