-- returns: scorecard scopes the ratings need that have no rule in rating_rules
select scope
from (values ('kpi'), ('outcomes'), ('experience'), ('voice'), ('relationships'), ('relationship_gap'), ('cost')) as needed(scope)
anti join stg_rating_rules using (scope)
