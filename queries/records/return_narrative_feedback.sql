-- one row per imported comment; revision n of a contract-month (month received) replaces revision n-1
create table if not exists return_narrative_feedback (
    feedback_id varchar not null,
    contract_id varchar not null,
    received_date date not null,
    month date not null,
    source varchar not null,
    text varchar not null,
    rating bigint,
    consent_to_share varchar not null,
    approved_for_board varchar not null,
    human_sentiment integer,
    topic_labels varchar,
    context varchar,
    revision integer not null,
    source_file varchar not null,
    source_sheet varchar,
    source_row integer not null,
    source_sha256 varchar not null,
    imported_at timestamp not null,
    imported_by varchar not null
)
