with recent as (select * from orders where ts > now() - interval 1 day)
select * from recent join customers on recent.customer_id = customers.id
