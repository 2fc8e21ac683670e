-- Issue 13, "sign-in and floods" (docs/rules.md §Credentials). Portable: the same file runs on
-- PostgreSQL.

-- Password tries are counted per (phone, client IP), per phone and per client IP: five wrong
-- passwords from one address lock that address out, not the owner on another one.
ALTER TABLE login_attempts ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
CREATE INDEX login_attempts_by_ip ON login_attempts (client_ip, attempted_at);

-- OTP sends by channel: `account` (sign-up, sign-in, PIN reset, number change) or `card` (a
-- bank's card-binding code). The per-phone limits count each channel apart; the per-IP limit
-- counts both.
ALTER TABLE otp_sends ADD COLUMN channel TEXT NOT NULL DEFAULT 'account';

-- Every answer that tells whether a phone number has an account, by who asked
-- (`device:<id>` for recipient look-ups and transfers, `merchant:<id>` for remote orders,
-- `ip:<address>` for the signed-out routes) and which number (a SHA-256 key, not the number).
-- Replaces `recipient_lookups` (rows of the last hour only: nothing worth carrying over).
CREATE TABLE phone_lookups (
    asker        TEXT NOT NULL,
    phone_key    TEXT NOT NULL,
    looked_up_at BIGINT NOT NULL
);
CREATE INDEX phone_lookups_by_asker ON phone_lookups (asker, looked_up_at);
CREATE INDEX phone_lookups_by_time ON phone_lookups (looked_up_at);
DROP TABLE recipient_lookups;

-- Invalid payment codes presented by each merchant, for its per-minute limit.
CREATE TABLE paycode_failures (
    merchant_id TEXT NOT NULL,
    failed_at   BIGINT NOT NULL
);
CREATE INDEX paycode_failures_by_merchant ON paycode_failures (merchant_id, failed_at);
