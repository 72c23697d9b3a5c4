select * from trades asof join quotes on trades.ts >= quotes.ts
