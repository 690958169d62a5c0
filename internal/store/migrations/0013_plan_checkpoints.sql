-- The start's check plans a shop for real (issue 12: it used to plan it and
-- throw the plan away, and the first sync planned it again). Until the shop
-- is started, what the check committed must be undoable exactly, even after
-- a crash: a checkpoint of the shop's planning state is taken before the
-- check's first commit, restored if the check refuses, and dropped once the
-- shop runs (checkpoint.go).
--
-- plan_checkpoints is one row per shop with a checkpoint: the newest drift
-- record then (later ones are the check's), and the planning key/values then
-- as a JSON object (a key absent then maps to null).
CREATE TABLE plan_checkpoints (
    shop_id  BIGINT PRIMARY KEY REFERENCES shops (id) ON DELETE CASCADE,
    drift_id BIGINT NOT NULL,
    kv       TEXT NOT NULL,
    taken_at {{time}} NOT NULL
);

-- The shop's plan_names then (a reset keeps them: QuickBooks may hold them).
CREATE TABLE plan_checkpoint_names (
    shop_id     BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    name_key    TEXT {{bytewise}} NOT NULL,
    name        TEXT NOT NULL,
    name_folded TEXT {{bytewise}},
    PRIMARY KEY (shop_id, name_key)
);

-- The shop's expected_ledger and expected_days then.
CREATE TABLE plan_checkpoint_expected (
    shop_id  BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    source   TEXT {{bytewise}} NOT NULL,
    day      TEXT NOT NULL,
    category TEXT NOT NULL,
    flow     TEXT NOT NULL DEFAULT '',
    amount   BIGINT NOT NULL,
    PRIMARY KEY (shop_id, source, day, category, flow)
);

CREATE TABLE plan_checkpoint_days (
    shop_id  BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    category TEXT NOT NULL,
    flow     TEXT NOT NULL DEFAULT '',
    amount   BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day, category, flow)
);
