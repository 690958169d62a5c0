-- Reading a shop's outbox in id order from a given id (the engine reads a
-- Web Connector batch back this way) had only postings_state to use: every
-- posting of the shop was visited and the rest sorted on each call, so the
-- cost grew with the outbox. With (shop_id, id) the read is a range scan of
-- just the rows returned.
CREATE INDEX postings_shop_id ON postings (shop_id, id);
