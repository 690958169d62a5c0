-- The planner's names (issue 12): every QuickBooks name and RefNumber
-- shopqb has given a record, by the planner's key ("customer:…",
-- "refnumber:order:…"). They lived in one key/value ("names"), rewritten
-- whole by every planner commit: at 100,000 orders that was megabytes a
-- commit and work quadratic in the shop. A commit now writes only the names
-- it added, as rows, in the transaction of the postings that use them.
-- The old value moves here on its first read (plannames.go).
CREATE TABLE plan_names (
    shop_id  BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    name_key TEXT {{bytewise}} NOT NULL,
    name     TEXT NOT NULL,
    PRIMARY KEY (shop_id, name_key)
);
