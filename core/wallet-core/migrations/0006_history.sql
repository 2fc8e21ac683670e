-- v6: transfers, the synced local history, full-text search, budgets (issue 6).
-- Never stored here: a PIN, a phone number in clear (counterparties are kept masked only).

-- The operations cache gains transfers (a CHECK cannot change in place: rebuild and copy), the
-- masked counterparty, the note and the history sequence number.
CREATE TABLE operations_v6 (
    operation_id  TEXT PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('topup', 'withdrawal', 'payment', 'refund',
                                                'transfer_out', 'transfer_in')),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    amount_minor  INTEGER NOT NULL,
    fee_minor     INTEGER NOT NULL,
    currency      TEXT NOT NULL,
    card_id       TEXT,
    card_last4    TEXT CHECK (card_last4 IS NULL
                              OR (length(card_last4) = 4 AND card_last4 NOT GLOB '*[^0-9]*')),
    bank          TEXT,
    merchant_id   TEXT,
    merchant_name TEXT,
    mcc           TEXT CHECK (mcc IS NULL OR (length(mcc) = 4 AND mcc NOT GLOB '*[^0-9]*')),
    order_id      TEXT,
    channel       TEXT CHECK (channel IS NULL
                              OR channel IN ('static_qr', 'dynamic_qr', 'paycode', 'remote_order')),
    failure_code  TEXT,
    counterparty_name_masked  TEXT,
    counterparty_phone_masked TEXT,
    note          TEXT,
    seq           INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

INSERT INTO operations_v6 (operation_id, kind, status, amount_minor, fee_minor, currency,
                           card_id, card_last4, bank, merchant_id, merchant_name, mcc, order_id,
                           channel, failure_code, created_at, updated_at)
SELECT operation_id, kind, status, amount_minor, fee_minor, currency,
       card_id, card_last4, bank, merchant_id, merchant_name, mcc, order_id,
       channel, failure_code, created_at, updated_at
FROM operations;

DROP INDEX operations_by_time;
DROP TABLE operations;
ALTER TABLE operations_v6 RENAME TO operations;
CREATE INDEX operations_by_time ON operations (created_at DESC, operation_id);

-- The history: every operation of the account, from `GET /v1/history` (and from the answers to
-- this device's own money requests). One row per operation; the row with the higher `seq` wins,
-- so applying feed pages in any order, any number of times, gives the same table.
CREATE TABLE history (
    rid           INTEGER PRIMARY KEY,            -- rowid, shared with history_fts
    operation_id  TEXT NOT NULL UNIQUE,
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('topup', 'withdrawal', 'payment', 'refund',
                                                'transfer_out', 'transfer_in')),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    direction     TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor >= 0),
    fee_minor     INTEGER NOT NULL CHECK (fee_minor >= 0),
    currency      TEXT NOT NULL,
    -- Milliseconds since the epoch (UTC): the sort key; `created_at` is its RFC 3339 text.
    created_ms    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    -- 'YYYY-MM' in China Standard Time (UTC+8), as the server's day limits.
    month         TEXT NOT NULL CHECK (length(month) = 7),
    merchant_id   TEXT,
    merchant_name TEXT,
    merchant_city TEXT,
    mcc           TEXT CHECK (mcc IS NULL OR (length(mcc) = 4 AND mcc NOT GLOB '*[^0-9]*')),
    -- `Category::from_mcc` of a payment or refund; NULL for everything else.
    category      TEXT,
    counterparty_name_masked  TEXT,
    counterparty_phone_masked TEXT,
    card_id       TEXT,
    card_last4    TEXT CHECK (card_last4 IS NULL
                              OR (length(card_last4) = 4 AND card_last4 NOT GLOB '*[^0-9]*')),
    bank          TEXT,
    note          TEXT,
    order_id      TEXT,
    channel       TEXT,
    failure_code  TEXT
);

CREATE INDEX history_by_time ON history (created_ms DESC, operation_id DESC);
CREATE INDEX history_by_month ON history (month, created_ms DESC, operation_id DESC);
CREATE INDEX history_by_kind ON history (kind, created_ms DESC, operation_id DESC);
CREATE INDEX history_by_card ON history (card_id, created_ms DESC, operation_id DESC)
    WHERE card_id IS NOT NULL;
-- Covers the monthly summary (no table lookups).
CREATE INDEX history_by_month_spending ON history (month, status, kind, category, amount_minor);

-- Search terms of each history row (rowid = history.rid), made in Rust (`history::terms`):
-- CJK as single characters and overlapping bigrams, other text as lowercase words. Only the
-- terms are kept, no positions (`detail=none`): queries are AND-ed single terms and prefixes.
CREATE VIRTUAL TABLE history_fts USING fts5(terms, detail = none, columnsize = 0);

-- The history feed's cursor (`GET /v1/history?after=`). No row means 0 (from the start).
CREATE TABLE history_cursor (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    cursor     INTEGER NOT NULL CHECK (cursor >= 0),
    updated_at TEXT NOT NULL
);

-- Monthly budgets per spending category, local to this profile (not synced).
CREATE TABLE budgets (
    category      TEXT PRIMARY KEY NOT NULL,
    monthly_minor INTEGER NOT NULL CHECK (monthly_minor > 0),
    currency      TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Budget alerts already raised: once per category, month and threshold (80, 100).
CREATE TABLE budget_alerts (
    category  TEXT NOT NULL,
    month     TEXT NOT NULL,
    threshold INTEGER NOT NULL CHECK (threshold IN (80, 100)),
    raised_at TEXT NOT NULL,
    PRIMARY KEY (category, month, threshold)
);
