-- returns: any contract-month that appears more than once in returns_status
-- checked by month
select contract_id, month, count(*) as rows
from returns_status
group by all
having count(*) > 1
