-- a non-recursive CTE named like a real table reads that table
with orders as (select * from orders where status = 'paid')
select * from orders
