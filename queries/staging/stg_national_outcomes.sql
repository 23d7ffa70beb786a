-- grain: one row per national outcome
select outcome_id, outcome_name, outcome_statement
from raw.national_outcomes
