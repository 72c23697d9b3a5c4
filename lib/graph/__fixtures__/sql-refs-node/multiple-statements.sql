select * from a;
select * from b join main.c on true;
