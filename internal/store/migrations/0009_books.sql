-- What the merchant's pages read (issue 11): each posting's ledger effect,
-- and an index of the Shopify snapshots by what people search for.
--
-- posting_ledger is the planner's own ledger of a transaction, debit positive
-- per mapping category, dated like the transaction: reconciliation sums it
-- over done postings by day with one indexed range scan instead of reading
-- qbXML back. It is written with the posting and follows its content (only
-- while planned or failed), so it is always what was sent.
CREATE TABLE posting_ledger (
    posting_id BIGINT NOT NULL REFERENCES postings (id) ON DELETE CASCADE,
    shop_id    BIGINT NOT NULL,
    txn_date   TEXT NOT NULL,
    category   TEXT NOT NULL,
    amount     BIGINT NOT NULL,
    PRIMARY KEY (posting_id, category)
);
CREATE INDEX posting_ledger_day ON posting_ledger (shop_id, txn_date);

-- The progress bar counts postings done since a run began.
CREATE INDEX postings_state_updated ON postings (shop_id, state, updated_at);
-- The operator view searches shops by name (the domain has its own index).
CREATE INDEX shops_name ON shops (name);

-- snapshot_index holds the newest version of each order and payout by the
-- fields the order lookup searches: name ("#1001"), number, customer name
-- and e-mail (lower case), and its time. It holds personal data, so the
-- privacy code rewrites it with the snapshots it redacts.
CREATE TABLE snapshot_index (
    shop_id    BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    gid        TEXT {{bytewise}} NOT NULL,
    updated_at {{time}} NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    number     TEXT NOT NULL DEFAULT '',
    customer   TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    at         {{time}} NOT NULL,
    PRIMARY KEY (shop_id, gid)
);
CREATE INDEX snapshot_index_name ON snapshot_index (shop_id, kind, name);
CREATE INDEX snapshot_index_number ON snapshot_index (shop_id, kind, number);
CREATE INDEX snapshot_index_customer ON snapshot_index (shop_id, kind, customer);
CREATE INDEX snapshot_index_email ON snapshot_index (shop_id, kind, email);
CREATE INDEX snapshot_index_at ON snapshot_index (shop_id, kind, at, gid);

-- snapshot_events are the times an object books something (an order's sale,
-- refunds and edits; a payout's issue), so the reconciliation of a range
-- reads only the objects that touch it.
CREATE TABLE snapshot_events (
    shop_id BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    gid     TEXT {{bytewise}} NOT NULL,
    kind    TEXT NOT NULL,
    at      {{time}} NOT NULL,
    PRIMARY KEY (shop_id, gid, at)
);
CREATE INDEX snapshot_events_at ON snapshot_events (shop_id, kind, at);

-- snapshot_links tie a payout to the orders of its balance transactions.
CREATE TABLE snapshot_links (
    shop_id BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    gid     TEXT {{bytewise}} NOT NULL,
    linked  TEXT {{bytewise}} NOT NULL,
    PRIMARY KEY (shop_id, gid, linked)
);
CREATE INDEX snapshot_links_linked ON snapshot_links (shop_id, linked);
