select * from main.foo join db.s.bar on foo.id = bar.id join s2.baz on true
