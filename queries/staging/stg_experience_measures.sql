-- grain: one row per contract, month and survey measure
select
    contract_id,
    month,
    measure,
    respondents,
    positive,
    source_file,
    source_row
from raw.experience_measures
