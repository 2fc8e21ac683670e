-- v4: merchant payments and refunds in the operations cache, and this device's payment-code seed.
-- Never stored here: a PIN, a full card number, a payment code itself (only the seed that makes
-- them, inside this encrypted database).

-- Operations gain payments and refunds: a merchant instead of a card. SQLite cannot change a
-- CHECK constraint in place, so the table is rebuilt and its rows copied. An operation whose card
-- was unbound since was stored with an empty `card_last4`; it becomes NULL (unknown), as the
-- server now says.
CREATE TABLE operations_v4 (
    operation_id  TEXT PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('topup', 'withdrawal', 'payment', 'refund')),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    amount_minor  INTEGER NOT NULL,
    fee_minor     INTEGER NOT NULL,
    currency      TEXT NOT NULL,
    -- The card of a top-up or withdrawal; NULL for payments and refunds.
    card_id       TEXT,
    -- Never more than 4 digits: a full card number cannot be written here.
    card_last4    TEXT CHECK (card_last4 IS NULL
                              OR (length(card_last4) = 4 AND card_last4 NOT GLOB '*[^0-9]*')),
    bank          TEXT,
    -- The merchant on record of a payment or refund.
    merchant_id   TEXT,
    merchant_name TEXT,
    mcc           TEXT CHECK (mcc IS NULL OR (length(mcc) = 4 AND mcc NOT GLOB '*[^0-9]*')),
    order_id      TEXT,
    channel       TEXT CHECK (channel IS NULL
                              OR channel IN ('static_qr', 'dynamic_qr', 'paycode', 'remote_order')),
    failure_code  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

INSERT INTO operations_v4 (operation_id, kind, status, amount_minor, fee_minor, currency,
                           card_id, card_last4, bank, failure_code, created_at, updated_at)
SELECT operation_id, kind, status, amount_minor, fee_minor, currency,
       card_id, nullif(card_last4, ''), bank, failure_code, created_at, updated_at
FROM operations;

DROP INDEX operations_by_time;
DROP TABLE operations;
ALTER TABLE operations_v4 RENAME TO operations;
CREATE INDEX operations_by_time ON operations (created_at DESC, operation_id);

-- This device's payment-code seed (32 bytes), provisioned at enrolment or by
-- `POST /v1/paycode/seed`. Payment codes are made from it offline. One row at most; a
-- profile enrolled before v4 has none until the app fetches one.
CREATE TABLE paycode_seed (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    seed      BLOB NOT NULL CHECK (length(seed) = 32),
    issued_at TEXT NOT NULL
);
