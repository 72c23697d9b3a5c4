select * from read_csv('/data/missing.csv') join unnest([1, 2]) u on true join t on true
