-- Secrets at rest (issue 13): the data keys that seal payment-code seeds, full ID numbers and
-- pending sign-ups, and pepper payment PINs. Each is wrapped by the server master key, which is
-- never in the database; `master_key_id` is that key's fingerprint, so a server started with
-- another key says so instead of failing on the first sealed value. Rotating the master key
-- rewraps these rows (`wallet-server keys rewrap`); the sealed columns are not touched.
-- The rows are written by the first server that starts with a key; the values already in clear
-- are sealed by that start too (the key is needed, so SQL cannot do it).
CREATE TABLE data_keys (
    id            TEXT PRIMARY KEY,           -- `<purpose>/<version>`, e.g. `devices/1`
    master_key_id TEXT NOT NULL,              -- fingerprint of the wrapping master key
    wrapped       TEXT NOT NULL,              -- base64url(nonce, ChaCha20-Poly1305 ciphertext, tag)
    created_at    BIGINT NOT NULL,
    rewrapped_at  BIGINT
);

-- The housekeeping ticker prunes the sandbox outbox by age.
CREATE INDEX sms_outbox_by_sent_at ON sms_outbox (sent_at);
