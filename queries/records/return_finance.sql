-- one row per contract-month in an imported finance return; revision n of a contract-month replaces revision n-1
create table if not exists return_finance (
    contract_id varchar not null,
    month date not null,
    spend_gbp double not null,
    units_delivered double,
    outcomes_achieved bigint,
    outcome_payments_planned_gbp double,
    outcome_payments_paid_gbp double,
    revision integer not null,
    source_file varchar not null,
    source_sheet varchar,
    source_row integer not null,
    source_sha256 varchar not null,
    imported_at timestamp not null,
    imported_by varchar not null
)
