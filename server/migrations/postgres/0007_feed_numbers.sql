-- Numbers of the event feed, the security log and the SMS outbox (issue 12): the PostgreSQL
-- version of ../0007_feed_numbers.sql. The store still sends `MAX + 1`; here a row trigger
-- replaces it with the next value of a sequence, so writers of different accounts (transfers
-- run side by side on PostgreSQL) never take the same number. As for `operations.seq`, the
-- number of an account's event or log row is taken holding that account's transaction lock, so
-- a device reading its feed by cursor never skips a row that commits late.
CREATE SEQUENCE device_events_cursor_counter AS BIGINT OWNED BY device_events.cursor;
SELECT setval('device_events_cursor_counter', COALESCE(MAX(cursor), 0) + 1, false) FROM device_events;
CREATE FUNCTION device_events_cursor_next() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.account_id, 0));
    NEW.cursor := nextval('device_events_cursor_counter');
    RETURN NEW;
END
$$;
CREATE TRIGGER device_events_cursor BEFORE INSERT ON device_events
    FOR EACH ROW EXECUTE FUNCTION device_events_cursor_next();

CREATE SEQUENCE security_log_id_counter AS BIGINT OWNED BY security_log.id;
SELECT setval('security_log_id_counter', COALESCE(MAX(id), 0) + 1, false) FROM security_log;
CREATE FUNCTION security_log_id_next() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.account_id, 0));
    NEW.id := nextval('security_log_id_counter');
    RETURN NEW;
END
$$;
CREATE TRIGGER security_log_id BEFORE INSERT ON security_log
    FOR EACH ROW EXECUTE FUNCTION security_log_id_next();

CREATE SEQUENCE sms_outbox_seq_counter AS BIGINT OWNED BY sms_outbox.seq;
SELECT setval('sms_outbox_seq_counter', COALESCE(MAX(seq), 0) + 1, false) FROM sms_outbox;
CREATE FUNCTION sms_outbox_seq_next() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := nextval('sms_outbox_seq_counter');
    RETURN NEW;
END
$$;
CREATE TRIGGER sms_outbox_seq BEFORE INSERT ON sms_outbox
    FOR EACH ROW EXECUTE FUNCTION sms_outbox_seq_next();
