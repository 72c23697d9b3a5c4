select * from "Order Items" join "events" on true join "MixedCase" on true
