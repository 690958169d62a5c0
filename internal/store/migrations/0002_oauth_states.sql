-- OAuth install states: the nonce shopqb sends to Shopify's authorize page,
-- kept in the database so that any shopqb process can serve the callback.
-- Not tied to a shop row: the shop usually does not exist until the
-- callback creates it. state_key is a digest of the nonce, never the nonce.

CREATE TABLE oauth_states (
    state_key   TEXT PRIMARY KEY,
    shop_domain TEXT NOT NULL,
    expires_at  {{time}} NOT NULL
);
CREATE INDEX oauth_states_expires ON oauth_states (expires_at);
