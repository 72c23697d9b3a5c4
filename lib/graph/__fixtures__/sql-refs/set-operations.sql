select id from a
union
select id from b
except
select id from c
intersect
select id from d
