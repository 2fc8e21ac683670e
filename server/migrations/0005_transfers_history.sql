-- Transfers between users and the incremental history feed (issue 6).

-- Operations gain transfers (SQLite cannot change a CHECK, so the table is copied as in 0003):
-- `transfer_out` on the sender's account and `transfer_in` on the recipient's, linked by
-- `transfer_id`, each naming the other account and keeping the other user as shown then
-- (masked name and phone: a later phone change does not rewrite history). `note` is the
-- sender's note, on both sides.
-- `seq` increases server-wide whenever a row is inserted or changes (the triggers below): the
-- cursor of `GET /v1/history`. Existing rows are numbered in the order they were made.
CREATE TABLE operations_v5 (
    id                         TEXT PRIMARY KEY,
    account_id                 TEXT NOT NULL REFERENCES accounts (id),
    kind                       TEXT NOT NULL,
    status                     TEXT NOT NULL,
    amount                     BIGINT NOT NULL CHECK (amount > 0),
    fee                        BIGINT NOT NULL CHECK (fee >= 0),
    currency                   TEXT NOT NULL,
    card_id                    TEXT REFERENCES cards (id),
    merchant_id                TEXT REFERENCES merchants (id),
    order_id                   TEXT REFERENCES orders (id),
    channel                    TEXT,
    no_pin                     INTEGER NOT NULL DEFAULT 0,
    counterparty_account_id    TEXT REFERENCES accounts (id),
    counterparty_name_masked   TEXT,
    counterparty_phone_masked  TEXT,
    transfer_id                TEXT,
    note                       TEXT,
    idempotency_key            TEXT NOT NULL,
    request_hash               TEXT NOT NULL,
    failure_code               TEXT,
    created_at                 BIGINT NOT NULL,
    updated_at                 BIGINT NOT NULL,
    seq                        BIGINT NOT NULL DEFAULT 0,
    UNIQUE (account_id, idempotency_key),
    CHECK (kind IN ('topup', 'withdrawal', 'payment', 'refund', 'transfer_out', 'transfer_in')),
    CHECK ((kind IN ('topup', 'withdrawal')) = (card_id IS NOT NULL)),
    CHECK ((kind IN ('payment', 'refund')) = (merchant_id IS NOT NULL AND order_id IS NOT NULL)),
    CHECK ((kind IN ('transfer_out', 'transfer_in')) = (counterparty_account_id IS NOT NULL
        AND counterparty_name_masked IS NOT NULL AND counterparty_phone_masked IS NOT NULL
        AND transfer_id IS NOT NULL)),
    CHECK (counterparty_account_id IS NULL OR counterparty_account_id <> account_id),
    CHECK (note IS NULL OR kind IN ('transfer_out', 'transfer_in'))
);
INSERT INTO operations_v5 (id, account_id, kind, status, amount, fee, currency, card_id,
        merchant_id, order_id, channel, no_pin, idempotency_key, request_hash, failure_code,
        created_at, updated_at, seq)
    SELECT id, account_id, kind, status, amount, fee, currency, card_id,
        merchant_id, order_id, channel, no_pin, idempotency_key, request_hash, failure_code,
        created_at, updated_at, ROW_NUMBER() OVER (ORDER BY created_at, rowid)
    FROM operations;
DROP TABLE operations;
ALTER TABLE operations_v5 RENAME TO operations;
CREATE INDEX operations_by_account ON operations (account_id, created_at);
CREATE INDEX operations_by_status ON operations (status, updated_at);
CREATE INDEX operations_by_order ON operations (order_id);
CREATE UNIQUE INDEX operations_one_payment_per_order ON operations (order_id)
    WHERE kind = 'payment' AND status = 'succeeded';
CREATE UNIQUE INDEX operations_by_seq ON operations (seq);
CREATE INDEX operations_by_account_seq ON operations (account_id, seq);
-- One sending and one receiving side per transfer.
CREATE UNIQUE INDEX operations_by_transfer ON operations (transfer_id, kind)
    WHERE transfer_id IS NOT NULL;

-- Every write site gets a new `seq` without having to remember it. A new row is inserted with
-- seq 0 and numbered at once; an update that did not itself set `seq` renumbers the row (the
-- WHEN stops the renumbering from triggering itself).
-- SQLite-only syntax (and `rowid` above): a PostgreSQL backend needs its own version of this
-- step (a sequence and a BEFORE INSERT OR UPDATE trigger).
CREATE TRIGGER operations_seq_on_insert AFTER INSERT ON operations
BEGIN
    UPDATE operations SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM operations)
    WHERE id = NEW.id;
END;
CREATE TRIGGER operations_seq_on_update AFTER UPDATE ON operations
WHEN NEW.seq = OLD.seq
BEGIN
    UPDATE operations SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM operations)
    WHERE id = NEW.id;
END;

-- Recipient look-ups per device, for the rate limit (a phone-number oracle otherwise).
CREATE TABLE recipient_lookups (
    device_id    TEXT NOT NULL,
    looked_up_at BIGINT NOT NULL
);
CREATE INDEX recipient_lookups_by_device ON recipient_lookups (device_id, looked_up_at);
