-- grain: one row per comment attached as evidence to a KPI-month (removed links are kept, flagged)
select
    link_id,
    feedback_id,
    contract_id,
    kpi_code,
    cast(date_trunc('month', month) as date) as month,
    note,
    linked_by,
    linked_at,
    removed_at,
    removed_at is null as is_current
from rec.evidence_links
