-- returns: any contract-month whose is_contract_latest flag disagrees with the contract's last month in contract_month
with last_months as (
    select contract_id, max(month) as last_month from contract_month group by contract_id
)

select c.contract_id, c.month, c.is_contract_latest, l.last_month
from contract_month as c
inner join last_months as l using (contract_id)
where c.is_contract_latest <> (c.month = l.last_month)
