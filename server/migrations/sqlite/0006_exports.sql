-- Export archives ("Download your data"): built by a worker into a zip file on disk,
-- downloadable by their owner for 7 days.
CREATE TABLE exports (
    id            TEXT    PRIMARY KEY,
    account_id    TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    state         TEXT    NOT NULL CHECK (state IN ('queued', 'building', 'ready', 'failed')),
    items_total   INTEGER NOT NULL DEFAULT 0,
    items_done    INTEGER NOT NULL DEFAULT 0,
    bytes_written INTEGER NOT NULL DEFAULT 0,
    sha256        TEXT,
    created_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    expires_at    INTEGER,
    downloaded_at INTEGER,
    lease_until   INTEGER
);
CREATE INDEX exports_by_account ON exports (account_id, created_at);
