-- v5: the device-event feed's cursor (issue 5). One row: the last event this device handed to
-- its listener. Events themselves are not kept (the security log lives on the server).

CREATE TABLE event_cursor (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    cursor     INTEGER NOT NULL CHECK (cursor >= 0),
    updated_at TEXT NOT NULL
);
