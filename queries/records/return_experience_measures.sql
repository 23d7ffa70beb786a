-- one row per survey measure in an imported return; revision n of a contract-month replaces revision n-1
create table if not exists return_experience_measures (
    contract_id varchar not null,
    month date not null,
    measure varchar not null,
    respondents bigint not null,
    positive bigint not null,
    revision integer not null,
    source_file varchar not null,
    source_sheet varchar,
    source_row integer not null,
    source_sha256 varchar not null,
    imported_at timestamp not null,
    imported_by varchar not null
)
