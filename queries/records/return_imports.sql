-- one row per imported return file (identified by the sha256 of its bytes); written by contract_monitor/returns
create table if not exists return_imports (
    source_sha256 varchar primary key,
    source_file varchar not null,
    archived_as varchar,
    file_format varchar not null,
    imported_at timestamp not null,
    imported_by varchar not null,
    rows_stored integer not null,
    summary varchar
)
