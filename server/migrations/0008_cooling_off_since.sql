-- The cooling-off caps the sum of everything that leaves the account while it runs (issue 13),
-- so the account records when the running one started. A new cooling-off sets it; one that
-- lengthens a running cooling-off keeps it. Cooling-offs running at upgrade are taken to have
-- started a full period (24 h) before they end.
ALTER TABLE accounts ADD COLUMN cooling_off_since BIGINT;
UPDATE accounts SET cooling_off_since = cooling_off_until - 86400 WHERE cooling_off_until IS NOT NULL;
