-- returns: any contract whose portfolio row is not its last month in contract_month (or that has no row)
with last_months as (
    select contract_id, max(month) as last_month from contract_month group by contract_id
)

select l.contract_id, p.as_of_month, l.last_month
from last_months as l
left join portfolio_overview as p using (contract_id)
where p.as_of_month is distinct from l.last_month
