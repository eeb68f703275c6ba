-- The grace period: reminders, cancel links, the crash-safe purge, and what survives it.

ALTER TABLE deletion_requests ADD COLUMN reminder_week_sent_at INTEGER;
ALTER TABLE deletion_requests ADD COLUMN reminder_day_sent_at INTEGER;
-- A purge worker's claim on this account, and the receipt counts taken when it began.
ALTER TABLE deletion_requests ADD COLUMN purge_lease_until INTEGER;
ALTER TABLE deletion_requests ADD COLUMN receipt_counts TEXT;

-- Every email about a pending request carries its own one-time cancel link.
CREATE TABLE cancel_tokens (
    token_hash BLOB    PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX cancel_tokens_by_account ON cancel_tokens (account_id);

-- All that is left of a purged account: a keyed, non-reversible hash of its email, and dates.
CREATE TABLE tombstones (
    id           INTEGER PRIMARY KEY,
    email_hash   BLOB    NOT NULL,
    requested_at INTEGER NOT NULL,
    purged_at    INTEGER NOT NULL
);

-- The deletion receipt goes out after the account is gone; its row forgets the address once
-- delivered.
ALTER TABLE outbox ADD COLUMN erase_after_delivery INTEGER NOT NULL DEFAULT 0;

-- Cancel links moved to cancel_tokens (one per email).
ALTER TABLE deletion_requests DROP COLUMN cancel_token_hash;
