select * from sales pivot (sum(amount) for year in (2023, 2024))
