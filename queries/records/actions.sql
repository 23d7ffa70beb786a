create table if not exists actions (
    action_id varchar primary key,
    contract_id varchar not null,
    theme varchar,
    feedback_ids varchar[],
    what_changed varchar not null,
    changed_on date not null,
    recorded_by varchar not null,
    recorded_at timestamp not null
)
