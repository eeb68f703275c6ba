-- What an account holds across the ecosystem (cloud, store, wallet, forum, linked apps),
-- and the close-account request that gates on it.

CREATE TABLE photos (
    id         INTEGER PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    file_name  TEXT    NOT NULL,
    mime_type  TEXT    NOT NULL,
    bytes      INTEGER NOT NULL,
    taken_at   INTEGER NOT NULL,
    content    BLOB    NOT NULL
);
CREATE INDEX photos_by_account ON photos (account_id);

CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    full_name  TEXT NOT NULL,
    phone      TEXT,
    email      TEXT,
    organization TEXT,
    note       TEXT
);
CREATE INDEX contacts_by_account ON contacts (account_id);

CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX notes_by_account ON notes (account_id);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    peer       TEXT    NOT NULL,
    outgoing   INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    sent_at    INTEGER NOT NULL
);
CREATE INDEX messages_by_account ON messages (account_id);

-- Phones, tablets and other hardware signed in with the account.
CREATE TABLE devices (
    id             TEXT    PRIMARY KEY,
    account_id     TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    model          TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('phone', 'tablet', 'laptop', 'watch', 'tv')),
    last_seen_at   INTEGER NOT NULL,
    signed_in      INTEGER NOT NULL,
    find_my_device INTEGER NOT NULL
);
CREATE INDEX devices_by_account ON devices (account_id);

CREATE TABLE purchases (
    id           INTEGER PRIMARY KEY,
    account_id   TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    order_number TEXT    NOT NULL,
    item         TEXT    NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency     TEXT    NOT NULL,
    purchased_at INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('delivered', 'shipping', 'returning'))
);
CREATE INDEX purchases_by_account ON purchases (account_id);

CREATE TABLE warranties (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purchase_id INTEGER NOT NULL REFERENCES purchases (id) ON DELETE CASCADE,
    coverage    TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX warranties_by_account ON warranties (account_id);

-- Instalment plans on store purchases; an unpaid one blocks closing the account.
CREATE TABLE instalments (
    id           INTEGER PRIMARY KEY,
    account_id   TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purchase_id  INTEGER NOT NULL REFERENCES purchases (id) ON DELETE CASCADE,
    amount_minor INTEGER NOT NULL,
    currency     TEXT    NOT NULL,
    due_at       INTEGER NOT NULL,
    paid         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX instalments_by_account ON instalments (account_id);

CREATE TABLE wallets (
    account_id    TEXT    PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    balance_minor INTEGER NOT NULL,
    currency      TEXT    NOT NULL
);

CREATE TABLE forum_posts (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    author_name TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    posted_at   INTEGER NOT NULL
);
CREATE INDEX forum_posts_by_account ON forum_posts (account_id);

-- Third-party apps the person signed in to with this account ("Sign in with Farewell").
CREATE TABLE app_grants (
    id         INTEGER PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    app_name   TEXT    NOT NULL,
    scopes     TEXT    NOT NULL,
    granted_at INTEGER NOT NULL
);
CREATE INDEX app_grants_by_account ON app_grants (account_id);

-- One close-account request per account while it is being prepared or pending.
CREATE TABLE deletion_requests (
    account_id       TEXT    PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    started_at       INTEGER NOT NULL,
    balance_forfeit  INTEGER NOT NULL DEFAULT 0,
    purchases_erased INTEGER NOT NULL DEFAULT 0,
    no_backup        INTEGER NOT NULL DEFAULT 0,
    terms_accepted   INTEGER NOT NULL DEFAULT 0,
    updated_at       INTEGER NOT NULL
);
