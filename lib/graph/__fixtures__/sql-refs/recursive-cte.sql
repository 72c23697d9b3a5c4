with recursive walk(id, parent) as (
  select id, parent from tree where parent is null
  union all
  select t.id, t.parent from tree t join walk w on t.parent = w.id
)
select * from walk
