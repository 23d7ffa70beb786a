create table if not exists comment_decisions (
    decision_id varchar primary key,
    feedback_id varchar not null,
    decision varchar not null check (decision in ('approved', 'rejected', 'edited')),
    text_before varchar,
    text_after varchar,
    reason varchar,
    decided_by varchar not null,
    decided_at timestamp not null,
    -- sha256 of the comment's original text the decision was made on: a decision counts only for that text
    text_sha256 varchar
);
-- a store made before decisions carried the hash gains the column (its earlier decisions keep null)
alter table comment_decisions add column if not exists text_sha256 varchar;
