-- one row per value an import normalised instead of rejecting (e.g. '1,234' read as 1234), kept with the import
create table if not exists return_notes (
    source_sha256 varchar not null,
    source_file varchar not null,
    source_sheet varchar,
    source_row integer not null,
    column_name varchar not null,
    original varchar,
    stored varchar,
    note varchar not null
)
