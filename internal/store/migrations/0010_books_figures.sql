-- Figures the merchant's pages read without recomputing them (issue 11).
--
-- expected_ledger is Shopify's side of the reconciliation: the planner's
-- expected totals (computed from Shopify's own figures, independently of the
-- planned lines) per source — an order, a payout, a purchase order, a day's
-- cost of goods — per day and category, debit positive; flow is 'refund' for
-- what a refund books and '' for the rest. The ingest commit step writes a
-- source's rows whole, in the transaction that commits its postings, so the
-- reconciliation of a range is one indexed sum.
CREATE TABLE expected_ledger (
    shop_id  BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    source   TEXT {{bytewise}} NOT NULL,
    day      TEXT NOT NULL,
    category TEXT NOT NULL,
    flow     TEXT NOT NULL DEFAULT '',
    amount   BIGINT NOT NULL,
    PRIMARY KEY (shop_id, source, day, category, flow)
);
CREATE INDEX expected_ledger_day ON expected_ledger (shop_id, day);

-- expected_days are the sums of expected_ledger per day, category and flow,
-- kept in the same transaction as every change to it: a range of days is a
-- few rows per day to read, however many orders the shop has.
CREATE TABLE expected_days (
    shop_id  BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    category TEXT NOT NULL,
    flow     TEXT NOT NULL DEFAULT '',
    amount   BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day, category, flow)
);

-- posting_responses keep QuickBooks' answer to each posting (the response
-- element, bounded in size) for the support view. It can hold personal data,
-- so the privacy code redacts it like the request; shop erasure deletes it.
CREATE TABLE posting_responses (
    posting_id  BIGINT PRIMARY KEY REFERENCES postings (id) ON DELETE CASCADE,
    shop_id     BIGINT NOT NULL,
    response    TEXT NOT NULL,
    received_at {{time}} NOT NULL
);
CREATE INDEX posting_responses_shop ON posting_responses (shop_id, posting_id);

-- The order lookup's searches match one field and list the newest first:
-- with the time in the index each is one range read in order. Without it a
-- database may prefer snapshot_index_at, which orders but does not match,
-- and read every order of the shop (SQLite did, 240 ms at 100,000 orders).
-- The same holds for the payouts an order links to.
DROP INDEX snapshot_index_name;
DROP INDEX snapshot_index_number;
DROP INDEX snapshot_index_customer;
DROP INDEX snapshot_index_email;
CREATE INDEX snapshot_index_name ON snapshot_index (shop_id, kind, name, at, gid);
CREATE INDEX snapshot_index_number ON snapshot_index (shop_id, kind, number, at, gid);
CREATE INDEX snapshot_index_customer ON snapshot_index (shop_id, kind, customer, at, gid);
CREATE INDEX snapshot_index_email ON snapshot_index (shop_id, kind, email, at, gid);
DROP INDEX snapshot_links_linked;
CREATE INDEX snapshot_links_linked ON snapshot_links (shop_id, linked, gid);

-- QuickBooks' side of a range: the ledger of every posting of those days
-- less that of the few not done, both read by index alone. flow tells a
-- refund's documents ("refund:…", "summary:refunds:…") from the rest.
ALTER TABLE posting_ledger ADD COLUMN flow TEXT NOT NULL DEFAULT '';
UPDATE posting_ledger SET flow = 'refund' WHERE posting_id IN
    (SELECT id FROM postings WHERE posting_key LIKE 'refund:%' OR posting_key LIKE 'summary:refunds:%');
DROP INDEX posting_ledger_day;
CREATE INDEX posting_ledger_day ON posting_ledger (shop_id, txn_date, category, flow, amount);
CREATE INDEX postings_state_day ON postings (shop_id, state, txn_date);
