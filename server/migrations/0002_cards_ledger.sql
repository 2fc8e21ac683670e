-- Cards, the payment PIN, the double-entry ledger, money operations, and the sandbox bank's own
-- books. Portable SQL like 0001 (partial indexes and CHECK work in PostgreSQL too).

-- Argon2id of the 6-digit payment PIN. `failed_count` counts tries in flight or failed since the
-- last success; the fifth wrong one sets `locked_until`.
CREATE TABLE payment_pins (
    account_id    TEXT PRIMARY KEY REFERENCES accounts (id),
    pin_hash      TEXT NOT NULL,
    failed_count  INTEGER NOT NULL DEFAULT 0,
    locked_until  BIGINT,
    updated_at    BIGINT NOT NULL
);

-- A binding waiting for the bank's OTP. Only what may be shown is kept: never the number.
CREATE TABLE card_bindings (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    bank_ref     TEXT NOT NULL,
    bank         TEXT,
    scheme       TEXT NOT NULL,
    card_type    TEXT NOT NULL,
    last4        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    consumed_at  BIGINT
);

-- Bound cards: the bank's token stands for the number (docs/rules.md §Cards).
CREATE TABLE cards (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    token       TEXT NOT NULL,
    bank        TEXT,
    scheme      TEXT NOT NULL,
    card_type   TEXT NOT NULL,                -- 'debit' | 'credit'
    last4       TEXT NOT NULL,
    status      TEXT NOT NULL,                -- 'active' | 'suspended'
    is_default  INTEGER NOT NULL DEFAULT 0,
    bound_at    BIGINT NOT NULL,
    unbound_at  BIGINT
);
CREATE INDEX cards_by_account ON cards (account_id);
CREATE UNIQUE INDEX cards_live_token ON cards (account_id, token) WHERE unbound_at IS NULL;

-- Ledger accounts: 'wallet:<account id>' (customer), 'bank:sandbox' (settlement with the bank),
-- 'clearing:withdrawals' (money on its way to a card), 'fees'. The database itself refuses a
-- customer or clearing balance below zero.
CREATE TABLE ledger_accounts (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,                  -- 'customer' | 'bank' | 'clearing' | 'fees'
    currency  TEXT NOT NULL,
    balance   BIGINT NOT NULL DEFAULT 0,
    CHECK (kind NOT IN ('customer', 'clearing') OR balance >= 0)
);

-- One movement: its entries sum to zero.
CREATE TABLE ledger_transactions (
    id            TEXT PRIMARY KEY,
    operation_id  TEXT NOT NULL,
    kind          TEXT NOT NULL,              -- 'topup' | 'withdrawal_reserve' | 'withdrawal_settle' | 'withdrawal_release'
    created_at    BIGINT NOT NULL
);
CREATE INDEX ledger_transactions_by_operation ON ledger_transactions (operation_id);

CREATE TABLE ledger_entries (
    transaction_id  TEXT NOT NULL REFERENCES ledger_transactions (id),
    ledger_account  TEXT NOT NULL REFERENCES ledger_accounts (id),
    amount          BIGINT NOT NULL,          -- signed minor units
    currency        TEXT NOT NULL
);
CREATE INDEX ledger_entries_by_account ON ledger_entries (ledger_account);
CREATE INDEX ledger_entries_by_transaction ON ledger_entries (transaction_id);

-- Top-ups and withdrawals. `processing`: the bank is being asked; `pending`: the bank's answer is
-- unknown (timeout, crash) and the reconciler will ask again; `succeeded` / `failed` are final.
-- The (account, Idempotency-Key) pair is unique: a retry finds the first operation.
CREATE TABLE operations (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    kind             TEXT NOT NULL,           -- 'topup' | 'withdrawal'
    status           TEXT NOT NULL,
    amount           BIGINT NOT NULL CHECK (amount > 0),
    fee              BIGINT NOT NULL CHECK (fee >= 0),
    currency         TEXT NOT NULL,
    card_id          TEXT NOT NULL REFERENCES cards (id),
    idempotency_key  TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    failure_code     TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (account_id, idempotency_key)
);
CREATE INDEX operations_by_account ON operations (account_id, created_at);
CREATE INDEX operations_by_status ON operations (status, updated_at);

-- The sandbox bank (a product feature for testers, docs/rules.md §Cards) keeps its books here too:
-- its token key, bindings waiting for its OTP, the cards it tokenised and every transfer it made.
CREATE TABLE sandbox_bank_meta (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE sandbox_bank_bindings (
    id               TEXT PRIMARY KEY,
    token            TEXT NOT NULL,
    outcome          TEXT NOT NULL,
    code_hash        TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    consumed_at      BIGINT
);

CREATE TABLE sandbox_bank_tokens (
    token    TEXT PRIMARY KEY,
    outcome  TEXT NOT NULL
);

CREATE TABLE sandbox_bank_transfers (
    reference   TEXT PRIMARY KEY,             -- our operation id
    token       TEXT NOT NULL,
    direction   TEXT NOT NULL,                -- 'debit' (card → wallet) | 'credit' (wallet → card)
    amount      BIGINT NOT NULL,
    outcome     TEXT NOT NULL,                -- 'approved' | 'declined' | 'insufficient_funds'
    created_at  BIGINT NOT NULL
);
