-- Fewer index entries written per order (issue 12). Storing an order
-- writes an entry into each index of its rows, and once an index outgrows
-- the database's page cache each entry of a batch lands on a page of its
-- own, written to the WAL and checkpointed again: the cost of an order grew
-- with the shop (at 100,000 orders twice what it was at 10,000). Two of
-- those entries answer nothing:
--
-- posting_deps_key indexed each dependency by its key; no query looks a
-- dependency up by key (ClaimReady reads a posting's own by posting_id),
-- and the shop-wide deletes of posting_deps go through the postings.
DROP INDEX posting_deps_key;

-- snapshot_index_number found an order by its number ("1001"); an order
-- named "#" and its number is found by its name as well, so the number
-- index keeps only the others (names with a prefix or suffix, payouts'
-- legacy ids): the search asks the name index for "#1001" and this one for
-- the rest (SearchSnapshots).
DROP INDEX snapshot_index_number;
CREATE INDEX snapshot_index_number ON snapshot_index (shop_id, kind, number, at, gid) WHERE name <> ('#' || number);
