with x as (select * from a), y as (select * from x join b on x.id = b.id)
select * from y
