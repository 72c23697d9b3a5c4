select unnest([1, 2]) as x, r.range, g.generate_series
from range(10) r
join generate_series(1, 3) g on true
join events e on true
