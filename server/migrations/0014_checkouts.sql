-- Web checkout (issue 14). Portable SQL: PostgreSQL runs this file unchanged.
--
-- A checkout is an order (channel 'checkout': orders.channel has no CHECK) plus its page: the
-- SHA-256 of the page's secret token (the token itself is shown to the merchant once), the
-- merchant's validated return_url, and how many phone numbers the page has pushed the order to
-- (capped, counted whether or not a number has an account). The order's own expiry is the
-- link's; the row goes with nothing else.
CREATE TABLE checkouts (
    order_id      TEXT PRIMARY KEY REFERENCES orders (id),
    token_hash    TEXT NOT NULL,
    return_url    TEXT NOT NULL,
    phone_pushes  BIGINT NOT NULL DEFAULT 0 CHECK (phone_pushes >= 0),
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX checkouts_by_token ON checkouts (token_hash);
