-- Merchants, orders, QR and payment-code payments, refunds (issue 4). Portable SQL like 0001/0002.

-- Merchants. The API key is shown once; only its SHA-256 (hex) is kept, unique so a request's
-- key finds its merchant with one index probe.
CREATE TABLE merchants (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,              -- EMVCo tag 59, at most 25 characters
    city          TEXT NOT NULL,              -- EMVCo tag 60, at most 15 characters
    mcc           TEXT NOT NULL,              -- ISO 18245, 4 digits
    api_key_hash  TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX merchants_by_key ON merchants (api_key_hash);

-- Orders: a dynamic code (`dynamic_qr`), a remote order to a phone (`remote_order`), a payment
-- code over the payer's no-PIN limit waiting for the PIN (`paycode`), or the record of a static
-- code or a no-PIN payment-code payment (created `paid`).
-- `refunded` never exceeds `amount`; an order is `refunded` once refunded in full.
CREATE TABLE orders (
    id                    TEXT PRIMARY KEY,
    merchant_id           TEXT NOT NULL REFERENCES merchants (id),
    amount                BIGINT NOT NULL CHECK (amount > 0),
    currency              TEXT NOT NULL,
    description           TEXT,
    status                TEXT NOT NULL,      -- 'open' | 'paid' | 'refunded' | 'declined' | 'expired'
    channel               TEXT NOT NULL,      -- 'static_qr' | 'dynamic_qr' | 'paycode' | 'remote_order'
    payload               TEXT,               -- the EMVCo payload of a dynamic code
    payer_account_id      TEXT REFERENCES accounts (id),
    payer_device_id       TEXT REFERENCES devices (id),
    created_at            BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL,
    paid_at               BIGINT,
    payment_operation_id  TEXT,
    refunded              BIGINT NOT NULL DEFAULT 0,
    updated_at            BIGINT NOT NULL,
    CHECK (refunded >= 0 AND refunded <= amount),
    CHECK (status IN ('open', 'paid', 'refunded', 'declined', 'expired')),
    CHECK ((status IN ('paid', 'refunded')) = (payment_operation_id IS NOT NULL))
);
CREATE INDEX orders_by_merchant ON orders (merchant_id, created_at);
CREATE INDEX orders_by_payer ON orders (payer_account_id, status, created_at);

-- Operations gain merchant payments and refunds: the card becomes optional (SQLite cannot drop
-- a NOT NULL, so the table is copied), and a payment or refund names its merchant, order and
-- channel. `no_pin` marks payment-code payments made under the no-PIN limit.
CREATE TABLE operations_v3 (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    kind             TEXT NOT NULL,           -- 'topup' | 'withdrawal' | 'payment' | 'refund'
    status           TEXT NOT NULL,
    amount           BIGINT NOT NULL CHECK (amount > 0),
    fee              BIGINT NOT NULL CHECK (fee >= 0),
    currency         TEXT NOT NULL,
    card_id          TEXT REFERENCES cards (id),
    merchant_id      TEXT REFERENCES merchants (id),
    order_id         TEXT REFERENCES orders (id),
    channel          TEXT,
    no_pin           INTEGER NOT NULL DEFAULT 0,
    idempotency_key  TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    failure_code     TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (account_id, idempotency_key),
    CHECK (kind IN ('topup', 'withdrawal', 'payment', 'refund')),
    CHECK ((kind IN ('topup', 'withdrawal')) = (card_id IS NOT NULL)),
    CHECK ((kind IN ('payment', 'refund')) = (merchant_id IS NOT NULL AND order_id IS NOT NULL))
);
INSERT INTO operations_v3 (id, account_id, kind, status, amount, fee, currency, card_id,
        idempotency_key, request_hash, failure_code, created_at, updated_at)
    SELECT id, account_id, kind, status, amount, fee, currency, card_id,
        idempotency_key, request_hash, failure_code, created_at, updated_at
    FROM operations;
DROP TABLE operations;
ALTER TABLE operations_v3 RENAME TO operations;
CREATE INDEX operations_by_account ON operations (account_id, created_at);
CREATE INDEX operations_by_status ON operations (status, updated_at);
CREATE INDEX operations_by_order ON operations (order_id);
-- The database itself refuses a second successful payment of one order.
CREATE UNIQUE INDEX operations_one_payment_per_order ON operations (order_id)
    WHERE kind = 'payment' AND status = 'succeeded';

-- A merchant's Idempotency-Keys (charges and refunds): a retry finds the first answer.
CREATE TABLE merchant_requests (
    merchant_id      TEXT NOT NULL REFERENCES merchants (id),
    idempotency_key  TEXT NOT NULL,
    kind             TEXT NOT NULL,           -- 'charge' | 'refund'
    request_hash     TEXT NOT NULL,
    order_id         TEXT NOT NULL REFERENCES orders (id),
    operation_id     TEXT,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, idempotency_key)
);

-- Each device's payment-code seed (base64url, 32 bytes). The server must compute the codes, so
-- it holds the seed like a TOTP secret; reissuing replaces it and the old codes die.
ALTER TABLE devices ADD COLUMN paycode_seed TEXT;
ALTER TABLE devices ADD COLUMN paycode_seed_issued_at BIGINT;

-- Payment codes accepted once: the primary key makes "used once" atomic in the database. Rows
-- older than the acceptance window are pruned.
CREATE TABLE paycode_uses (
    code       BIGINT NOT NULL,
    step       BIGINT NOT NULL,
    device_id  TEXT NOT NULL REFERENCES devices (id),
    order_id   TEXT NOT NULL,
    used_at    BIGINT NOT NULL,
    PRIMARY KEY (code, step)
);

-- The user's own no-PIN limits for payment codes; no row means the server's ceilings.
CREATE TABLE paycode_settings (
    account_id          TEXT PRIMARY KEY REFERENCES accounts (id),
    no_pin_enabled      INTEGER NOT NULL,
    no_pin_per_payment  BIGINT NOT NULL CHECK (no_pin_per_payment >= 0),
    no_pin_daily        BIGINT NOT NULL CHECK (no_pin_daily >= 0),
    updated_at          BIGINT NOT NULL
);
