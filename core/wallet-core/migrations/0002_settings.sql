-- v2: per-profile settings (language, SMS-only login, the server the device was enrolled on).
-- Values are JSON text so a setting can change shape without a migration.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL CHECK (json_valid(value)),
    updated_at TEXT NOT NULL
);

-- Profiles signed in under v1 were enrolled before settings existed: record that the server
-- they enrolled on is unknown, so the client does not treat a later URL change as a mismatch.
INSERT INTO settings (key, value, updated_at)
SELECT 'enrolled_server_url', 'null', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
WHERE EXISTS (SELECT 1 FROM profile);
