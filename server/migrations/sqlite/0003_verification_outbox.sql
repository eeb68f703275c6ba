-- Re-authentication, one-time codes, confirmation, and the outbox that carries codes and mail.

-- A request gets a random id when it starts: codes are bound to it.
ALTER TABLE deletion_requests ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE deletion_requests ADD COLUMN reauth_at INTEGER;
ALTER TABLE deletion_requests ADD COLUMN verified_at INTEGER;
ALTER TABLE deletion_requests ADD COLUMN verified_channel TEXT;
ALTER TABLE deletion_requests ADD COLUMN confirmed_at INTEGER;
ALTER TABLE deletion_requests ADD COLUMN reference TEXT;
ALTER TABLE deletion_requests ADD COLUMN scheduled_for INTEGER;
ALTER TABLE deletion_requests ADD COLUMN cancel_token_hash BLOB;
-- The session that confirmed, so a retry of the confirm gets the same answer.
ALTER TABLE deletion_requests ADD COLUMN confirmed_by BLOB;

-- One-time codes: only a keyed hash is stored; the newest one of a request is the live one.
CREATE TABLE verification_codes (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    request_id  TEXT    NOT NULL,
    channel     TEXT    NOT NULL CHECK (channel IN ('email', 'phone')),
    code_hash   BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    used_at     INTEGER
);
CREATE INDEX verification_codes_by_account ON verification_codes (account_id, created_at);

-- Consecutive wrong codes across every code of the account; a resend does not reset it.
CREATE TABLE verification_failures (
    account_id   TEXT    PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    consecutive  INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER
);

-- Every email and SMS, written in the same transaction as the change that causes it.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    account_id   TEXT,
    channel      TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient    TEXT    NOT NULL,
    language     TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_until  INTEGER,
    delivered_at INTEGER,
    last_error   TEXT
);
CREATE INDEX outbox_pending ON outbox (delivered_at, id);

-- Server-wide secrets created on first start (code hashing key, receipt signing key).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
