select * from users u,
  lateral (select * from sessions s where s.user_id = u.id limit 3) recent
