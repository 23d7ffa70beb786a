-- grain: one row per contract and month
select
    contract_id,
    month,
    spend_gbp,
    units_delivered,
    outcomes_achieved,
    outcome_payments_planned_gbp,
    outcome_payments_paid_gbp,
    spend_gbp is not null as is_return,
    source_file,
    source_row
from raw.finance
