create table if not exists evidence_links (
    link_id varchar primary key,
    feedback_id varchar not null,
    contract_id varchar not null,
    kpi_code varchar not null,
    month date not null,
    note varchar,
    linked_by varchar not null,
    linked_at timestamp not null,
    removed_at timestamp
)
