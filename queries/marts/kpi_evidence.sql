-- grain: one row per comment currently attached as evidence to a KPI-month ("this story explains September's dip")
with links as (
    select * from stg_evidence_links where is_current
),

linked_kpis as (
    -- only the KPI-months a link names: joined from the links' side, so a handful of links read a handful
    -- of kpi_status's row groups (it is stored by contract) instead of hashing every KPI-month
    select distinct k.contract_id, k.kpi_code, k.month, k.kpi_name, k.rating
    from links as l
    inner join kpi_status as k
        on k.contract_id = l.contract_id and k.kpi_code = l.kpi_code and k.month = l.month
)

select
    l.link_id,
    l.contract_id,
    l.kpi_code,
    l.month,
    k.kpi_name,
    k.rating as kpi_rating,
    l.feedback_id,
    f.display_text,
    f.sentiment,
    f.themes,
    f.shareable_with_board,
    l.note,
    l.linked_by,
    l.linked_at
from links as l
inner join feedback as f on f.feedback_id = l.feedback_id
left join linked_kpis as k
    on k.contract_id = l.contract_id and k.kpi_code = l.kpi_code and k.month = l.month
