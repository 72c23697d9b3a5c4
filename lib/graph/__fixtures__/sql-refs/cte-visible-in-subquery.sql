with a as (select 1 as v)
select * from (with b as (select * from a) select * from b, a) t
