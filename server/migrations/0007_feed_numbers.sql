-- Numbers of the event feed, the security log and the SMS outbox (issue 12). The store gives
-- each new row `MAX + 1`, which SQLite's single writer makes unique and ordered: nothing to
-- change here. PostgreSQL, where writers of different accounts run side by side, numbers them
-- from sequences instead (postgres/0007_feed_numbers.sql).
SELECT 1;
