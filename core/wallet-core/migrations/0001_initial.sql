-- v1: the signed-in profile and the sign-up / sign-in waiting for its SMS code.
-- Never stored here: password, PIN, OTP, full resident ID number.

CREATE TABLE profile (
    -- One profile per database (one database per profile directory).
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    account_id         TEXT NOT NULL,
    device_id          TEXT NOT NULL,
    phone              TEXT NOT NULL,
    phone_masked       TEXT NOT NULL,
    name               TEXT NOT NULL,
    id_last4           TEXT NOT NULL,
    -- Ed25519 secret key of this device (32 bytes). The database is SQLCipher-encrypted.
    device_signing_key BLOB NOT NULL CHECK (length(device_signing_key) = 32),
    enrolled_at        TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE TABLE pending_challenge (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    challenge_id       TEXT NOT NULL,
    purpose            TEXT NOT NULL CHECK (purpose IN ('signup', 'login')),
    phone_masked       TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    -- The key this device will enrol once the code is verified: made before the request so a
    -- retried verification enrols the same key.
    device_signing_key BLOB NOT NULL CHECK (length(device_signing_key) = 32),
    created_at         TEXT NOT NULL
);
