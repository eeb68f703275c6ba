-- The purge at scale: its last transaction deletes the account's outbox rows, and each round
-- claims the earliest due requests; without these, both read their whole table every time.
CREATE INDEX outbox_by_account ON outbox (account_id);
CREATE INDEX deletion_requests_by_schedule ON deletion_requests (scheduled_for);
