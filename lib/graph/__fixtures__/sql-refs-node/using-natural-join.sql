select * from orders join customers using (customer_id)
natural join regions
