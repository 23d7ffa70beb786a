-- returns: any contract, KPI and month that appears more than once in kpi_status
-- checked by month
select contract_id, kpi_code, month, count(*) as rows
from kpi_status
group by all
having count(*) > 1
