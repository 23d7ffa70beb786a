-- returns: KPI-months rated No return that carry a value, or without a value but rated anything else
-- checked by month
select contract_id, kpi_code, month, value, rating
from kpi_status
where (rating = 'No return') <> (value is null)
