-- returns: contracts missing from portfolio_overview, or listed more than once
with counted as (
    select c.contract_id, count(p.contract_id) as rows
    from stg_contracts as c
    left join portfolio_overview as p using (contract_id)
    group by c.contract_id
)
select * from counted where rows <> 1
