create table if not exists comment_decisions (
    decision_id varchar primary key,
    feedback_id varchar not null,
    decision varchar not null check (decision in ('approved', 'rejected', 'edited')),
    text_before varchar,
    text_after varchar,
    reason varchar,
    decided_by varchar not null,
    decided_at timestamp not null
)
