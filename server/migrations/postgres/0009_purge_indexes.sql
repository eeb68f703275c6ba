-- As migrations/sqlite/0009: the purge's last transaction deletes the account's outbox rows,
-- and each round claims the earliest due requests.
CREATE INDEX outbox_by_account ON outbox (account_id);
CREATE INDEX deletion_requests_by_schedule ON deletion_requests (scheduled_for);
