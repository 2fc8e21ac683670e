-- Issue 14, SMS payment ("reply Y"; docs/rules.md §SMS payment (reply Y)). Portable: the same file runs
-- on PostgreSQL.

-- Off by default per account: a swapped SIM receives the SMS too. Switched on with the PIN.
ALTER TABLE accounts ADD COLUMN sms_pay_enabled INTEGER NOT NULL DEFAULT 0;

-- Each merchant's SMS service number (a short code payers text product codes to), given on
-- first use.
CREATE TABLE sms_service_numbers (
    service_number TEXT PRIMARY KEY,
    merchant_id    TEXT NOT NULL REFERENCES merchants(id),
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX sms_service_numbers_by_merchant ON sms_service_numbers (merchant_id);

-- A merchant's product codes (the seed's "product number": 1 to 8 digits).
CREATE TABLE sms_products (
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    code        TEXT NOT NULL,
    description TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    currency    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, code)
);

-- One-time references: a product code texted from `phone` opened an order (channel `sms`)
-- that a "Y" from the same phone to the same service number pays. `status`: `open`, `paying`
-- (the day's SMS cap is reserved; the payment runs), `paid`. Past `expires_at` an open
-- reference is expired (its order too).
CREATE TABLE sms_payments (
    reference      TEXT PRIMARY KEY,
    phone          TEXT NOT NULL,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    service_number TEXT NOT NULL,
    merchant_id    TEXT NOT NULL REFERENCES merchants(id),
    product_code   TEXT NOT NULL,
    description    TEXT NOT NULL,
    order_id       TEXT NOT NULL REFERENCES orders(id),
    amount         BIGINT NOT NULL CHECK (amount > 0),
    status         TEXT NOT NULL,
    operation_id   TEXT,
    reserved_at    BIGINT,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX sms_payments_by_phone ON sms_payments (phone, service_number, created_at);
CREATE INDEX sms_payments_by_account ON sms_payments (account_id, reserved_at);
