-- select * from hidden_in_line_comment
select * from visible /* join hidden_in_block on true */
where 1 = 1 -- from nope
