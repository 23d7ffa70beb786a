-- grain: one row per imported revision of a contract-month's return, per table (history: who, when, which file)
with revisions as (
    select
        contract_id,
        month,
        return_table,
        revision,
        any_value(source_file) as source_file,
        any_value(source_sheet) as source_sheet,
        any_value(source_sha256) as source_sha256,
        any_value(imported_at) as imported_at,
        any_value(imported_by) as imported_by,
        count(*) as rows,
        min(source_row) as first_source_row,
        max(source_row) as last_source_row
    from stg_return_rows
    group by contract_id, month, return_table, revision
)

select
    r.*,
    r.revision = max(r.revision) over (partition by r.contract_id, r.month, r.return_table) as is_current,
    lag(r.rows) over (partition by r.contract_id, r.month, r.return_table order by r.revision) as rows_replaced,
    case when r.revision = 1 then 'first return' else 'correction (replaces revision ' || (r.revision - 1) || ')' end
        as revision_kind
from revisions as r
