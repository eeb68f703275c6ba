-- How many photos, contacts, notes and messages each account holds, and the photos' bytes,
-- kept as rows come and go. The inventory is read on every close-account step; counting
-- the rows there cost as much as the account holds (the demo's 411 rows were 30 of the
-- request's 90 µs, and an account of 50,000 photos would take milliseconds each time).
-- Triggers keep the counts, so every writer does, and the rows' own transaction does.
-- (PostgreSQL counts on reading instead: see `store::inventory`.)
CREATE TABLE holdings (
    account_id  TEXT    PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    photos      INTEGER NOT NULL DEFAULT 0,
    photo_bytes INTEGER NOT NULL DEFAULT 0,
    contacts    INTEGER NOT NULL DEFAULT 0,
    notes       INTEGER NOT NULL DEFAULT 0,
    messages    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO holdings (account_id, photos, photo_bytes, contacts, notes, messages)
SELECT id,
       (SELECT COUNT(*) FROM photos WHERE account_id = accounts.id),
       (SELECT COALESCE(SUM(bytes), 0) FROM photos WHERE account_id = accounts.id),
       (SELECT COUNT(*) FROM contacts WHERE account_id = accounts.id),
       (SELECT COUNT(*) FROM notes WHERE account_id = accounts.id),
       (SELECT COUNT(*) FROM messages WHERE account_id = accounts.id)
FROM accounts;

CREATE TRIGGER holdings_of_new_account AFTER INSERT ON accounts BEGIN
    INSERT INTO holdings (account_id) VALUES (new.id);
END;

CREATE TRIGGER holdings_photo_added AFTER INSERT ON photos BEGIN
    UPDATE holdings SET photos = photos + 1, photo_bytes = photo_bytes + new.bytes
    WHERE account_id = new.account_id;
END;
CREATE TRIGGER holdings_photo_removed AFTER DELETE ON photos BEGIN
    UPDATE holdings SET photos = photos - 1, photo_bytes = photo_bytes - old.bytes
    WHERE account_id = old.account_id;
END;
CREATE TRIGGER holdings_photo_changed AFTER UPDATE OF account_id, bytes ON photos BEGIN
    UPDATE holdings SET photos = photos - 1, photo_bytes = photo_bytes - old.bytes
    WHERE account_id = old.account_id;
    UPDATE holdings SET photos = photos + 1, photo_bytes = photo_bytes + new.bytes
    WHERE account_id = new.account_id;
END;

CREATE TRIGGER holdings_contact_added AFTER INSERT ON contacts BEGIN
    UPDATE holdings SET contacts = contacts + 1 WHERE account_id = new.account_id;
END;
CREATE TRIGGER holdings_contact_removed AFTER DELETE ON contacts BEGIN
    UPDATE holdings SET contacts = contacts - 1 WHERE account_id = old.account_id;
END;
CREATE TRIGGER holdings_contact_moved AFTER UPDATE OF account_id ON contacts BEGIN
    UPDATE holdings SET contacts = contacts - 1 WHERE account_id = old.account_id;
    UPDATE holdings SET contacts = contacts + 1 WHERE account_id = new.account_id;
END;

CREATE TRIGGER holdings_note_added AFTER INSERT ON notes BEGIN
    UPDATE holdings SET notes = notes + 1 WHERE account_id = new.account_id;
END;
CREATE TRIGGER holdings_note_removed AFTER DELETE ON notes BEGIN
    UPDATE holdings SET notes = notes - 1 WHERE account_id = old.account_id;
END;
CREATE TRIGGER holdings_note_moved AFTER UPDATE OF account_id ON notes BEGIN
    UPDATE holdings SET notes = notes - 1 WHERE account_id = old.account_id;
    UPDATE holdings SET notes = notes + 1 WHERE account_id = new.account_id;
END;

CREATE TRIGGER holdings_message_added AFTER INSERT ON messages BEGIN
    UPDATE holdings SET messages = messages + 1 WHERE account_id = new.account_id;
END;
CREATE TRIGGER holdings_message_removed AFTER DELETE ON messages BEGIN
    UPDATE holdings SET messages = messages - 1 WHERE account_id = old.account_id;
END;
CREATE TRIGGER holdings_message_moved AFTER UPDATE OF account_id ON messages BEGIN
    UPDATE holdings SET messages = messages - 1 WHERE account_id = old.account_id;
    UPDATE holdings SET messages = messages + 1 WHERE account_id = new.account_id;
END;
