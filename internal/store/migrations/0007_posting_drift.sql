-- Drift: a re-plan that changes a posting QuickBooks already holds. The
-- posting itself is never edited (QuickBooks has it); the planner books the
-- difference as an adjusting transaction, and the store keeps a record of
-- every planned change it did not apply.
--
-- content is the planner's record of what a transaction books (lines by
-- item and account, money by gateway), so the difference between QuickBooks
-- and Shopify can be computed without reading qbXML back. base_key links an
-- adjustment to the posting it adjusts, so one indexed lookup finds a day's
-- original and all its adjustments.
ALTER TABLE postings ADD COLUMN content TEXT NOT NULL DEFAULT '';
ALTER TABLE postings ADD COLUMN base_key TEXT NOT NULL DEFAULT '';
CREATE INDEX postings_base_key ON postings (shop_id, base_key);
ALTER TABLE archived_postings ADD COLUMN content TEXT NOT NULL DEFAULT '';
ALTER TABLE archived_postings ADD COLUMN base_key TEXT NOT NULL DEFAULT '';

-- One row per distinct planned change to a posting that was already sent,
-- done or in doubt: what QuickBooks holds (its hash) and what was planned
-- instead (hash and accounting content, no qbXML, so no customer names to
-- redact). The same change planned again is recorded once.
CREATE TABLE posting_drifts (
    id              {{id}},
    shop_id         BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    posting_key     TEXT NOT NULL,
    state           TEXT NOT NULL,
    posted_hash     TEXT NOT NULL,
    planned_hash    TEXT NOT NULL,
    planned_content TEXT NOT NULL DEFAULT '',
    detected_at     {{time}} NOT NULL
);
CREATE UNIQUE INDEX posting_drifts_change ON posting_drifts (shop_id, posting_key, planned_hash);
