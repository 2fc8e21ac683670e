-- Accounts, devices, OTP challenges, abuse counters, replay guard and the SMS outbox.
-- Portable SQL: TEXT ids, BIGINT Unix-second times, no SQLite-only syntax, so the PostgreSQL
-- backend can run the same files.

CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    phone          TEXT NOT NULL UNIQUE,      -- E.164
    name           TEXT NOT NULL,
    id_number      TEXT NOT NULL,             -- resident ID; only the last 4 ever leave the server
    password_hash  TEXT NOT NULL,             -- Argon2id PHC string
    created_at     BIGINT NOT NULL
);

CREATE TABLE devices (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    public_key     TEXT NOT NULL,             -- Ed25519, base64url
    name           TEXT NOT NULL,
    platform       TEXT NOT NULL,
    enrolled_at    BIGINT NOT NULL,
    last_seen_at   BIGINT NOT NULL,
    revoked_at     BIGINT
);
CREATE INDEX devices_by_account ON devices (account_id);

-- A sign-up or sign-in waiting for its OTP. Sign-ups carry the validated, hashed account data
-- until the code proves the phone.
CREATE TABLE challenges (
    id                    TEXT PRIMARY KEY,
    purpose               TEXT NOT NULL,      -- 'signup' | 'login'
    phone                 TEXT NOT NULL,
    account_id            TEXT REFERENCES accounts (id),
    signup_name           TEXT,
    signup_id_number      TEXT,
    signup_password_hash  TEXT,
    code_hash             TEXT NOT NULL,      -- SHA-256, never the code
    created_at            BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL,
    failed_attempts       INTEGER NOT NULL DEFAULT 0,
    consumed_at           BIGINT
);

CREATE TABLE otp_sends (
    phone      TEXT NOT NULL,
    client_ip  TEXT NOT NULL,
    sent_at    BIGINT NOT NULL
);
CREATE INDEX otp_sends_by_phone ON otp_sends (phone, sent_at);
CREATE INDEX otp_sends_by_ip ON otp_sends (client_ip, sent_at);

-- Password tries in flight or failed; cleared by a correct password.
CREATE TABLE login_attempts (
    phone         TEXT NOT NULL,
    attempted_at  BIGINT NOT NULL
);
CREATE INDEX login_attempts_by_phone ON login_attempts (phone, attempted_at);

CREATE TABLE device_nonces (
    device_id  TEXT NOT NULL REFERENCES devices (id),
    nonce      TEXT NOT NULL,
    seen_at    BIGINT NOT NULL,
    PRIMARY KEY (device_id, nonce)
);

-- What the SMS sender delivered. Until a real gateway exists this is the product's SMS channel;
-- testers read it through `wallet-server otp outbox` or the sandbox endpoint.
CREATE TABLE sms_outbox (
    id        TEXT PRIMARY KEY,
    seq       BIGINT NOT NULL,               -- newest-first order within one second
    phone     TEXT NOT NULL,
    body      TEXT NOT NULL,
    code      TEXT NOT NULL,
    purpose   TEXT NOT NULL,
    sent_at   BIGINT NOT NULL
);
CREATE INDEX sms_outbox_by_phone ON sms_outbox (phone, seq);
