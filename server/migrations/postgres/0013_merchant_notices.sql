-- PostgreSQL version of ../0013_merchant_notices.sql: the same tables, columns, checks and
-- indexes; the trigger is a plpgsql function (ids from gen_random_uuid(), PostgreSQL 13+).
ALTER TABLE merchants ADD COLUMN notify_url TEXT;
ALTER TABLE merchants ADD COLUMN notice_secret TEXT;
ALTER TABLE merchants ADD COLUMN notice_secret_at BIGINT;

CREATE TABLE merchant_notices (
    id               TEXT PRIMARY KEY,
    merchant_id      TEXT NOT NULL REFERENCES merchants (id),
    order_id         TEXT NOT NULL REFERENCES orders (id),
    event            TEXT NOT NULL,
    amount           BIGINT NOT NULL,
    order_amount     BIGINT NOT NULL,
    refunded         BIGINT NOT NULL,
    currency         TEXT NOT NULL,
    occurred_at      BIGINT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    lease_owner      TEXT,
    lease_until      BIGINT,
    last_attempt_at  BIGINT,
    last_http_status INTEGER,
    last_error       TEXT,
    delivered_at     BIGINT,
    CHECK (event IN ('paid', 'refunded', 'expired', 'declined')),
    CHECK (status IN ('pending', 'delivered', 'failed')),
    CHECK (amount > 0 AND attempts >= 0)
);
CREATE INDEX merchant_notices_due ON merchant_notices (status, next_attempt_at);
CREATE INDEX merchant_notices_by_merchant ON merchant_notices (merchant_id, occurred_at);
CREATE INDEX merchant_notices_by_order ON merchant_notices (order_id, occurred_at);
CREATE INDEX orders_open_by_expiry ON orders (status, expires_at);

CREATE FUNCTION orders_notice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO merchant_notices (id, merchant_id, order_id, event, amount, order_amount,
        refunded, currency, occurred_at, status, attempts, next_attempt_at)
    SELECT 'ntc_' || replace(gen_random_uuid()::text, '-', ''), NEW.merchant_id, NEW.id,
        CASE WHEN NEW.refunded > OLD.refunded THEN 'refunded' ELSE NEW.status END,
        CASE WHEN NEW.refunded > OLD.refunded THEN NEW.refunded - OLD.refunded ELSE NEW.amount END,
        NEW.amount, NEW.refunded, NEW.currency,
        CASE WHEN NEW.status = 'expired' AND NEW.refunded = OLD.refunded
             THEN LEAST(NEW.expires_at, NEW.updated_at) ELSE NEW.updated_at END,
        'pending', 0, NEW.updated_at
    FROM merchants m WHERE m.id = NEW.merchant_id AND m.notify_url IS NOT NULL;
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_notice AFTER UPDATE OF status, refunded ON orders
FOR EACH ROW
WHEN (NEW.refunded > OLD.refunded
      OR (NEW.status <> OLD.status AND NEW.status IN ('paid', 'expired', 'declined')))
EXECUTE FUNCTION orders_notice();
