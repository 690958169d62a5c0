-- Users of a self-hosted deployment (the /console pages), the shops each
-- may see, their login sessions, failed logins (the rate limit holds across
-- processes) and one-time login links. Secrets are stored only as digests:
-- session ids and login-link tokens as SHA-256, passwords as argon2id.

CREATE TABLE users (
    id            {{id}},
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    operator      BOOLEAN NOT NULL DEFAULT FALSE,
    locale        TEXT NOT NULL DEFAULT '',
    created_at    {{time}} NOT NULL,
    updated_at    {{time}} NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE user_shops (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    shop_id BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, shop_id)
);
CREATE INDEX user_shops_shop ON user_shops (shop_id);

CREATE TABLE web_sessions (
    id_hash      {{bytes}} PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   {{time}} NOT NULL,
    last_seen_at {{time}} NOT NULL,
    expires_at   {{time}} NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

-- One row per failed login, keyed "ip:<address>" or "email:<address>".
CREATE TABLE login_failures (
    id        {{id}},
    limit_key TEXT NOT NULL,
    at        {{time}} NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (limit_key, at);

CREATE TABLE login_links (
    token_hash {{bytes}} PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at {{time}} NOT NULL
);
CREATE INDEX login_links_expires ON login_links (expires_at);
