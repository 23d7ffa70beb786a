-- grain: one row per contract and survey measure it has ever reported (in any month)
-- materialised: table
select distinct contract_id, measure
from stg_experience_measures
