-- returns: any comment id that appears more than once (in the base data and the imports together),
-- which would fan a comment out and let one contract's row carry another's text or consent
select feedback_id, count(*) as rows, list(distinct contract_id order by contract_id) as contracts
from feedback
group by feedback_id
having count(*) > 1
