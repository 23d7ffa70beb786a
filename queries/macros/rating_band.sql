-- macro: the one place a metric becomes a rating word, from thresholds in the rating_rules seed table
create or replace macro rating_band(metric, direction, good, approaching, requires_improvement) as
    case
        when metric is null then null
        when direction = 'higher' then
            case
                when metric >= good then 'Good'
                when metric >= approaching then 'Approaching target'
                when metric >= requires_improvement then 'Requires improvement'
                else 'Inadequate'
            end
        else
            case
                when metric <= good then 'Good'
                when metric <= approaching then 'Approaching target'
                when metric <= requires_improvement then 'Requires improvement'
                else 'Inadequate'
            end
    end
