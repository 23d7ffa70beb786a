-- grain: one row per comment currently attached as evidence to a KPI-month ("this story explains September's dip")
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
from stg_evidence_links as l
inner join feedback as f on f.feedback_id = l.feedback_id
left join kpi_status as k
    on k.contract_id = l.contract_id and k.kpi_code = l.kpi_code and k.month = l.month
where l.is_current
