-- The inventory sums photo sizes per account on every close-account step: a covering index
-- answers it without reading the photo rows.
CREATE INDEX photos_by_account_bytes ON photos (account_id, bytes);
DROP INDEX photos_by_account;
