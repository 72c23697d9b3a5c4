from events select kind, count(*) where kind <> 'noise' group by all
