-- Exports of one account in the order they were asked for, however fast the requests came:
-- `created_at` has one-second resolution, and row ids are SQLite's alone.
ALTER TABLE exports ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE exports SET seq = rowid;
