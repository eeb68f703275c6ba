-- Fixed-window counters for throttling (sign-in failures per login and per client address).
-- In the database, so every replica counts the same attempts.
CREATE TABLE throttle (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL
);
