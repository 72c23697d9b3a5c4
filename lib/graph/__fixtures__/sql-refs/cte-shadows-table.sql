-- the CTE "customers" hides the real table of that name
with customers as (select 1 as id)
select * from orders join customers on orders.customer_id = customers.id
