-- Accounts, their sessions, and the security audit trail.
-- Times are Unix seconds (UTC) so the same schema reads the same on every backend.

CREATE TABLE accounts (
    id            TEXT    PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    phone         TEXT    UNIQUE,
    password_hash TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    region        TEXT    NOT NULL,
    language      TEXT    NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'zh-CN')),
    state         TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'pending_deletion')),
    created_at    INTEGER NOT NULL
);

-- Only the SHA-256 of a session token is stored: a leaked table cannot be replayed.
CREATE TABLE sessions (
    token_hash   BLOB    PRIMARY KEY,
    account_id   TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    account_id TEXT,
    event      TEXT    NOT NULL,
    client_ip  TEXT
);
CREATE INDEX audit_log_by_account ON audit_log (account_id, at);
