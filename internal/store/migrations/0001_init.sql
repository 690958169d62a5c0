-- shopqb's schema, written once for SQLite and PostgreSQL. {{id}}, {{bytes}},
-- {{time}} and {{bytewise}} are replaced by each dialect's spelling (dialect.go).

CREATE TABLE shops (
    id            {{id}},
    domain        TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    time_zone     TEXT NOT NULL DEFAULT '',
    currency      TEXT NOT NULL DEFAULT '',
    qbwc_user     TEXT NOT NULL DEFAULT '',
    app_token_hash {{bytes}},
    owner_id      TEXT NOT NULL DEFAULT '',
    file_id       TEXT NOT NULL DEFAULT '',
    company_file  TEXT NOT NULL DEFAULT '',
    shopify_auth  TEXT NOT NULL DEFAULT '',
    shopify_url   TEXT NOT NULL DEFAULT '',
    settings      TEXT NOT NULL,
    started_at    {{time}},
    created_at    {{time}} NOT NULL,
    updated_at    {{time}} NOT NULL
);
CREATE UNIQUE INDEX shops_domain ON shops (domain);
-- A shop without a Web Connector user yet must not collide with another.
CREATE UNIQUE INDEX shops_qbwc_user ON shops (qbwc_user) WHERE qbwc_user <> '';

CREATE TABLE secrets (
    shop_id    BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    ciphertext {{bytes}} NOT NULL,
    updated_at {{time}} NOT NULL,
    PRIMARY KEY (shop_id, name)
);

CREATE TABLE kv (
    shop_id    BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      {{bytes}} NOT NULL,
    updated_at {{time}} NOT NULL,
    PRIMARY KEY (shop_id, key)
);

CREATE TABLE tickets (
    id           TEXT PRIMARY KEY,
    shop_id      BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    company_file TEXT NOT NULL DEFAULT '',
    created_at   {{time}} NOT NULL,
    expires_at   {{time}} NOT NULL,
    closed_at    {{time}},
    state        {{bytes}},
    last_error   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tickets_shop_open ON tickets (shop_id, created_at);
CREATE INDEX tickets_expires ON tickets (expires_at);

CREATE TABLE auth_failures (
    id        {{id}},
    qbwc_user TEXT NOT NULL,
    at        {{time}} NOT NULL
);
CREATE INDEX auth_failures_user_at ON auth_failures (qbwc_user, at);

CREATE TABLE snapshots (
    id         {{id}},
    shop_id    BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    gid        TEXT {{bytewise}} NOT NULL,
    updated_at {{time}} NOT NULL,
    body       {{bytes}} NOT NULL,
    fetched_at {{time}} NOT NULL
);
CREATE UNIQUE INDEX snapshots_version ON snapshots (shop_id, gid, updated_at);
CREATE INDEX snapshots_kind ON snapshots (shop_id, kind, gid, updated_at);

-- The outbox. deps repeats posting_deps as a JSON array in the planner's
-- order, so reading a posting needs no second query; posting_deps is what
-- ClaimReady joins on.
CREATE TABLE postings (
    id             {{id}},
    shop_id        BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    posting_key    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    deps           TEXT NOT NULL DEFAULT '[]',
    request        TEXT NOT NULL DEFAULT '',
    external_guid  TEXT NOT NULL DEFAULT '',
    ref_number     TEXT NOT NULL DEFAULT '',
    txn_date       TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL DEFAULT '',
    plan_hash      TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    message_set_id TEXT NOT NULL DEFAULT '',
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_attempt   {{time}} NOT NULL,
    qbid           TEXT NOT NULL DEFAULT '',
    edit_sequence  TEXT NOT NULL DEFAULT '',
    error_code     TEXT NOT NULL DEFAULT '',
    error_class    TEXT NOT NULL DEFAULT '',
    error_message  TEXT NOT NULL DEFAULT '',
    created_at     {{time}} NOT NULL,
    updated_at     {{time}} NOT NULL
);
CREATE UNIQUE INDEX postings_key ON postings (shop_id, posting_key);
CREATE INDEX postings_state ON postings (shop_id, state, id);

CREATE TABLE posting_deps (
    posting_id BIGINT NOT NULL REFERENCES postings (id) ON DELETE CASCADE,
    shop_id    BIGINT NOT NULL,
    dep_key    TEXT NOT NULL,
    PRIMARY KEY (posting_id, dep_key)
);
CREATE INDEX posting_deps_key ON posting_deps (shop_id, dep_key);

-- Postings moved aside by an admin reset, kept to re-link by ExternalGUID
-- and RefNumber so nothing QuickBooks already has is posted twice.
CREATE TABLE archived_postings (
    id             {{id}},
    posting_id     BIGINT NOT NULL,
    shop_id        BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    label          TEXT NOT NULL,
    archived_at    {{time}} NOT NULL,
    posting_key    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    deps           TEXT NOT NULL,
    request        TEXT NOT NULL,
    external_guid  TEXT NOT NULL,
    ref_number     TEXT NOT NULL,
    txn_date       TEXT NOT NULL,
    name           TEXT NOT NULL,
    plan_hash      TEXT NOT NULL,
    state          TEXT NOT NULL,
    message_set_id TEXT NOT NULL,
    attempts       INTEGER NOT NULL,
    next_attempt   {{time}} NOT NULL,
    qbid           TEXT NOT NULL,
    edit_sequence  TEXT NOT NULL,
    error_code     TEXT NOT NULL,
    error_class    TEXT NOT NULL,
    error_message  TEXT NOT NULL,
    created_at     {{time}} NOT NULL,
    updated_at     {{time}} NOT NULL
);
CREATE INDEX archived_postings_shop ON archived_postings (shop_id, id);

CREATE TABLE sync_runs (
    id          {{id}},
    shop_id     BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    run_trigger TEXT NOT NULL,
    window_from {{time}} NOT NULL,
    window_to   {{time}} NOT NULL,
    started_at  {{time}} NOT NULL,
    finished_at {{time}},
    status      TEXT NOT NULL,
    counts      TEXT NOT NULL DEFAULT '{}',
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_runs_shop ON sync_runs (shop_id, id);

CREATE TABLE webhook_deliveries (
    id          {{id}},
    shop_id     BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    webhook_id  TEXT NOT NULL,
    event_id    TEXT NOT NULL DEFAULT '',
    received_at {{time}} NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_webhook ON webhook_deliveries (shop_id, webhook_id);
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (shop_id, event_id) WHERE event_id <> '';

CREATE TABLE audit_log (
    id      {{id}},
    shop_id BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    at      {{time}} NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_shop ON audit_log (shop_id, id);
