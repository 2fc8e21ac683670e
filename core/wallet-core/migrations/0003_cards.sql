-- v3: bank cards, the payment-PIN reset, top-ups and withdrawals, the cached balance.
-- Cards are kept masked: the last 4 digits only. Never stored here: a full card number, a CVV,
-- a PIN, a password or an OTP (docs/rules.md §Storage, §Cards).

-- Bound cards as the server last listed them (a cache: `Wallet::cards` replaces it).
CREATE TABLE cards (
    card_id    TEXT PRIMARY KEY NOT NULL,
    bank       TEXT,                 -- `CMB`, ... or NULL when the BIN table does not know it
    scheme     TEXT NOT NULL,        -- `unionpay`, `visa`, ...
    card_type  TEXT NOT NULL CHECK (card_type IN ('debit', 'credit')),
    -- Exactly four digits: a full number can never fit here.
    last4      TEXT NOT NULL CHECK (length(last4) = 4 AND last4 NOT GLOB '*[^0-9]*'),
    status     TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
    is_default INTEGER NOT NULL CHECK (is_default IN (0, 1)),
    bound_at   TEXT NOT NULL,
    -- The server's order (default first, then most recently bound).
    position   INTEGER NOT NULL,
    synced_at  TEXT NOT NULL
);

-- A card binding waiting for the bank's SMS code (at most one; a new binding replaces it).
CREATE TABLE pending_card_binding (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    binding_id   TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    bank         TEXT,
    scheme       TEXT NOT NULL,
    card_type    TEXT NOT NULL CHECK (card_type IN ('debit', 'credit')),
    last4        TEXT NOT NULL CHECK (length(last4) = 4 AND last4 NOT GLOB '*[^0-9]*'),
    created_at   TEXT NOT NULL
);

-- A payment-PIN reset waiting for its SMS code, so another process can finish it.
CREATE TABLE pending_pin_reset (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    challenge_id TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

-- Top-ups and withdrawals this device has seen (its own and those listed with the balance).
CREATE TABLE operations (
    operation_id TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('topup', 'withdrawal')),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    amount_minor INTEGER NOT NULL,
    fee_minor    INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    card_id      TEXT NOT NULL,
    -- Empty when the server no longer knows the card (unbound since); never more than 4 digits.
    card_last4   TEXT NOT NULL
                 CHECK (card_last4 = '' OR (length(card_last4) = 4 AND card_last4 NOT GLOB '*[^0-9]*')),
    bank         TEXT,
    failure_code TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX operations_by_time ON operations (created_at DESC, operation_id);

-- The balance and today's limits as the server last confirmed them (one row).
CREATE TABLE balance_cache (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    balance_minor INTEGER NOT NULL,
    currency      TEXT NOT NULL,
    -- `MoneyLimits` as JSON.
    limits        TEXT NOT NULL CHECK (json_valid(limits)),
    as_of         TEXT NOT NULL
);
