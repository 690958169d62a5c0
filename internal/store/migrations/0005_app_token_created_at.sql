-- When the shop's current app token was made, for the setup wizard's
-- connect step ("token created on …") without searching the audit log.
-- Shops registered before this migration get their creation time, which is
-- when their first token was made; a later rotation is not recoverable here.
ALTER TABLE shops ADD COLUMN app_token_created_at {{time}};
UPDATE shops SET app_token_created_at = created_at;
