-- macro: Wilson score 95% interval for a share positive/n (bounds in 0..1; null when n is 0)
create or replace macro wilson_low(positive, n) as
    case when n > 0 then
        ((positive / n) + 1.96 ^ 2 / (2 * n)
         - 1.96 * sqrt((positive / n) * (1 - positive / n) / n + 1.96 ^ 2 / (4 * n ^ 2)))
        / (1 + 1.96 ^ 2 / n)
    end;
create or replace macro wilson_high(positive, n) as
    case when n > 0 then
        ((positive / n) + 1.96 ^ 2 / (2 * n)
         + 1.96 * sqrt((positive / n) * (1 - positive / n) / n + 1.96 ^ 2 / (4 * n ^ 2)))
        / (1 + 1.96 ^ 2 / n)
    end
