-- returns: contract-months shown as a missing return that have a KPI value, or shown as received without one
-- checked by month
select r.contract_id, r.month, r.return_status, count(k.value) as kpi_values
from returns_status as r
left join kpi_status as k using (contract_id, month)
group by r.contract_id, r.month, r.return_status, r.finance_returned, r.survey_returned
having (r.return_status = 'missing' and count(k.value) > 0)
    or (r.return_status <> 'missing' and count(k.value) = 0 and not r.finance_returned and not r.survey_returned)
