select o.id, c.name, r.label
from orders o
join customers c on o.customer_id = c.id
left join regions r on c.region_id = r.id
cross join settings
