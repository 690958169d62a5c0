-- What is left of a shop after shop/redact erased it: its domain and the
-- dates of install, uninstall and erasure, so the erasure can be proven and
-- a re-install is known to start clean. Nothing else about the shop remains.
-- Not keyed by domain: a shop may install, uninstall and be erased again.
CREATE TABLE shop_tombstones (
    id             {{id}},
    domain         TEXT NOT NULL,
    installed_at   {{time}} NOT NULL,
    uninstalled_at {{time}},
    erased_at      {{time}} NOT NULL
);
CREATE INDEX shop_tombstones_domain ON shop_tombstones (domain, id);
