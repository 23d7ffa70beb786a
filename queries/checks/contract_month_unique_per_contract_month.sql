-- returns: any contract-month that appears more than once in contract_month
-- checked by month
select contract_id, month, count(*) as rows
from contract_month
group by all
having count(*) > 1
