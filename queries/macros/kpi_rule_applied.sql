-- macro: how a KPI-month was rated, in words (the contract page's "How it was rated"), from kpi_status's
-- columns. Worded when a page reads its few rows, not stored for every KPI-month: a sentence with its own
-- numbers in it is unique to its row, and storing 400,000 of them took a third of kpi_status's space.
create or replace macro kpi_rule_applied(
    is_return, month, value, target, direction, tolerance, shortfall_tolerances, approaching, requires_improvement
) as
    case
        when not is_return then
            'No return: the provider sent no value for ' || strftime(month, '%B %Y') || ' (never imputed).'
        else
            format(
                '{} against target {} ({} is better, tolerance {}): {} tolerance(s) short. '
                || 'Good at target, Approaching target within {}, Requires improvement within {}, else Inadequate.',
                round(value, 2), round(target, 2), direction, round(tolerance, 2),
                round(greatest(shortfall_tolerances, 0), 2), approaching, requires_improvement
            )
    end
