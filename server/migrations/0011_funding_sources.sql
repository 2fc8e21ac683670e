-- Funding sources (issue 14): a payment comes from the balance, a bound card or the phone bill,
-- and its refunds go back to the same source. Portable SQL (runs unchanged on PostgreSQL).

-- Where a payment's money came from (a refund: where it goes back to): 'balance',
-- 'card:<card id>' or 'carrier'. NULL on rows from before 0011 and on other kinds (balance).
-- A card or carrier payment is `processing`/`pending` until its gateway answers, like a top-up.
ALTER TABLE operations ADD COLUMN source TEXT;

-- The payment of this order waiting for its gateway: while it is set the order cannot be paid
-- again, declined or expire; the gateway's answer pays the order or clears it.
ALTER TABLE orders ADD COLUMN pending_operation_id TEXT;

-- The default order of sources an account pays from ('balance,card:card_x,carrier');
-- no row: the balance alone (as before 0011).
CREATE TABLE funding_orders (
    account_id  TEXT PRIMARY KEY NOT NULL,
    sources     TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- The sandbox carrier's own books: the phone-bill charges and credits it made, by our
-- operation id (only ports/sandbox_carrier.rs reads or writes this table).
CREATE TABLE sandbox_carrier_bills (
    reference   TEXT PRIMARY KEY NOT NULL,
    phone       TEXT NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('charge', 'credit')),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    month       TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX sandbox_carrier_bills_by_month ON sandbox_carrier_bills (phone, month);
