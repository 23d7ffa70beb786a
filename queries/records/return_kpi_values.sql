-- one row per KPI value in an imported return; revision n of a contract-month replaces revision n-1
create table if not exists return_kpi_values (
    contract_id varchar not null,
    kpi_code varchar not null,
    month date not null,
    value double not null,
    submitted_date date,
    note varchar,
    revision integer not null,
    source_file varchar not null,
    source_sheet varchar,
    source_row integer not null,
    source_sha256 varchar not null,
    imported_at timestamp not null,
    imported_by varchar not null
)
