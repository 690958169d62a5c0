-- Who holds a name (issue 12): the planner no longer holds every name of
-- the shop in memory for a run; it asks plan_names for the names a planner
-- call needs, by key (the primary key) and, to keep a new name unique in
-- its list, by the name as QuickBooks compares it. name_folded is that
-- form (shopqb.FoldName), written by shopqb's code because SQL's lower()
-- folds non-ASCII letters differently on each database; rows stored before
-- this column are folded on their shop's next read of its names
-- (plannames.go).
ALTER TABLE plan_names ADD COLUMN name_folded TEXT {{bytewise}};
CREATE INDEX plan_names_folded ON plan_names (shop_id, name_folded);
