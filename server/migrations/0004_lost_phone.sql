-- Lost phone (issue 5): frozen accounts, cooling-off, the security log, device events,
-- report-lost rate limits, account settings.

-- frozen_at: reported lost, no money moves. cooling_off_until: after an unfreeze or a new
-- device, large withdrawals wait until then.
ALTER TABLE accounts ADD COLUMN frozen_at BIGINT;
ALTER TABLE accounts ADD COLUMN cooling_off_until BIGINT;
ALTER TABLE accounts ADD COLUMN sms_login_enabled INTEGER NOT NULL DEFAULT 0;

-- A phone-change code to the new number that also needs the old number's code names that
-- challenge here; both are consumed together.
ALTER TABLE challenges ADD COLUMN requires_challenge_id TEXT;

-- What the user can read about their account's security (docs/rules.md §Lost phone). No personal
-- data in `detail`.
CREATE TABLE security_log (
    id           BIGINT PRIMARY KEY,             -- increasing, assigned by the server
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    kind         TEXT NOT NULL,
    device_id    TEXT,
    device_name  TEXT,
    detail       TEXT,
    at           BIGINT NOT NULL
);
CREATE INDEX security_log_by_account ON security_log (account_id, id);

-- Notices to the devices of an account; `cursor` increases across the server.
CREATE TABLE device_events (
    cursor             BIGINT PRIMARY KEY,
    account_id         TEXT NOT NULL REFERENCES accounts (id),
    kind               TEXT NOT NULL,
    source_device_id   TEXT,                     -- not shown to the device that caused it
    device_name        TEXT,
    reference          TEXT,
    cooling_off_until  BIGINT,
    at                 BIGINT NOT NULL
);
CREATE INDEX device_events_by_account ON device_events (account_id, cursor);

-- A device hears only of events after its enrolment: the newest cursor when it was enrolled
-- (0 for devices enrolled before this migration, which were there for all of them).
ALTER TABLE devices ADD COLUMN events_after BIGINT NOT NULL DEFAULT 0;

-- Report-lost tries, for the per-IP and per-phone limits.
CREATE TABLE report_lost_attempts (
    phone         TEXT NOT NULL,
    client_ip     TEXT NOT NULL,
    attempted_at  BIGINT NOT NULL
);
CREATE INDEX report_lost_by_phone ON report_lost_attempts (phone, attempted_at);
CREATE INDEX report_lost_by_ip ON report_lost_attempts (client_ip, attempted_at);
