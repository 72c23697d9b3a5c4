with outer_cte as (with inner_cte as (select * from src) select * from inner_cte)
select * from outer_cte,
  (with c as (select * from outer_cte join other on true) select * from c) nested
