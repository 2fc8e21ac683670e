-- Several server processes share one database (issue 12): each keeps its own payment-code index
-- and catches up with enrolments and seed reissues made through the others by asking for the
-- seeds issued since its last look. This index keeps that question cheap.
CREATE INDEX devices_by_paycode_issued ON devices (paycode_seed_issued_at)
    WHERE paycode_seed IS NOT NULL;
