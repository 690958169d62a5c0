-- One sync per shop at a time, across every shopqb process on the database.
-- On SQLite the lease is this row: a holder, a token and an expiry that the
-- holder renews while its sync runs; a process that died leaves a row that
-- expires and is taken over. On PostgreSQL the lease is an advisory lock
-- held by the syncing process's connection (PostgreSQL drops it when that
-- connection ends); the row only says who holds it.
CREATE TABLE sync_leases (
    shop_id     BIGINT PRIMARY KEY REFERENCES shops (id) ON DELETE CASCADE,
    holder      TEXT NOT NULL,
    token       TEXT NOT NULL,
    acquired_at {{time}} NOT NULL,
    expires_at  {{time}} NOT NULL
);

-- Who held each shop's sync lease when, on both databases: what an operator
-- reads to see which process synced, and what shows that syncs of one shop
-- never overlapped. released_at stays NULL for a lease whose holder died
-- (or is still syncing); outcome says how it ended.
CREATE TABLE sync_lease_log (
    id          {{id}},
    shop_id     BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    holder      TEXT NOT NULL,
    token       TEXT NOT NULL,
    acquired_at {{time}} NOT NULL,
    released_at {{time}},
    outcome     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_lease_log_shop ON sync_lease_log (shop_id, id);
