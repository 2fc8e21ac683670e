-- Transfers between users and the incremental history feed (issue 6): the PostgreSQL version of
-- ../0005_transfers_history.sql. Same resulting schema (tables, columns, constraints, indexes),
-- but PostgreSQL changes `operations` in place instead of copying it, and numbers `seq` with a
-- sequence and a row trigger instead of SQLite's triggers (see ../NOTES.md).

-- Operations gain transfers: `transfer_out` on the sender's account and `transfer_in` on the
-- recipient's, linked by `transfer_id`, each naming the other account and keeping the other user
-- as shown then (masked name and phone). `note` is the sender's note, on both sides.
-- `seq` increases server-wide whenever a row is inserted or changes (the trigger below): the
-- cursor of `GET /v1/history`. The new columns come last here (column order differs from
-- SQLite's copied table; the store always names its columns).
ALTER TABLE operations
    ADD COLUMN counterparty_account_id    TEXT REFERENCES accounts (id),
    ADD COLUMN counterparty_name_masked   TEXT,
    ADD COLUMN counterparty_phone_masked  TEXT,
    ADD COLUMN transfer_id                TEXT,
    ADD COLUMN note                       TEXT,
    ADD COLUMN seq                        BIGINT NOT NULL DEFAULT 0;

-- The kinds grow. 0003 made the table as `operations_v3` and renamed it, so PostgreSQL named its
-- constraints `operations_v3_*`; the new ones get names of their own.
ALTER TABLE operations DROP CONSTRAINT operations_v3_kind_check;
ALTER TABLE operations
    ADD CONSTRAINT operations_kind_check
        CHECK (kind IN ('topup', 'withdrawal', 'payment', 'refund', 'transfer_out', 'transfer_in')),
    ADD CONSTRAINT operations_transfer_check
        CHECK ((kind IN ('transfer_out', 'transfer_in')) = (counterparty_account_id IS NOT NULL
            AND counterparty_name_masked IS NOT NULL AND counterparty_phone_masked IS NOT NULL
            AND transfer_id IS NOT NULL)),
    ADD CONSTRAINT operations_counterparty_check
        CHECK (counterparty_account_id IS NULL OR counterparty_account_id <> account_id),
    ADD CONSTRAINT operations_note_check
        CHECK (note IS NULL OR kind IN ('transfer_out', 'transfer_in'));

-- Existing rows are numbered in the order they were made: by time, then by id (PostgreSQL has no
-- insertion order like SQLite's rowid, so rows made in the same second are numbered by id).
UPDATE operations AS o SET seq = n.seq
    FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS seq FROM operations) AS n
    WHERE o.id = n.id;

-- operations_by_account, operations_by_status, operations_by_order and
-- operations_one_payment_per_order (0003) stay as they are.
CREATE UNIQUE INDEX operations_by_seq ON operations (seq);
CREATE INDEX operations_by_account_seq ON operations (account_id, seq);
-- One sending and one receiving side per transfer.
CREATE UNIQUE INDEX operations_by_transfer ON operations (transfer_id, kind)
    WHERE transfer_id IS NOT NULL;

-- Every write site gets a new `seq` without having to remember it: every insert, and every update
-- that did not itself set `seq` (an update that changes `seq` keeps the value it set), takes the
-- next number. The sequence continues after the back-filled numbers. Numbers taken by a
-- transaction that rolls back are lost (gaps), and they are taken at write time, not commit time.
CREATE SEQUENCE operations_seq_counter AS BIGINT OWNED BY operations.seq;
SELECT setval('operations_seq_counter', COALESCE(MAX(seq), 0) + 1, false) FROM operations;

-- The number is taken holding the account's transaction lock (the key the store's per-account
-- transactions take, so for them it is already held): two writers of one account's rows take
-- their numbers in commit order, and a client reading `seq > cursor` for its account never
-- skips a row that commits late. Writers of other accounts are not held up.
CREATE FUNCTION operations_seq_next() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.account_id, 0));
    IF TG_OP = 'INSERT' OR NEW.seq IS NOT DISTINCT FROM OLD.seq THEN
        NEW.seq := nextval('operations_seq_counter');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER operations_seq BEFORE INSERT OR UPDATE ON operations
    FOR EACH ROW EXECUTE FUNCTION operations_seq_next();

-- Recipient look-ups per device, for the rate limit (a phone-number oracle otherwise).
CREATE TABLE recipient_lookups (
    device_id    TEXT NOT NULL,
    looked_up_at BIGINT NOT NULL
);
CREATE INDEX recipient_lookups_by_device ON recipient_lookups (device_id, looked_up_at);
