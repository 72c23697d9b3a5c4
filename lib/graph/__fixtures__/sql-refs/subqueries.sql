select id, (select max(amount) from payments p where p.order_id = o.id) as top_payment
from orders o
where customer_id in (select id from customers)
  and exists (select 1 from shipments s where s.order_id = o.id)
group by id
having count(*) > (select count(*) from thresholds)
