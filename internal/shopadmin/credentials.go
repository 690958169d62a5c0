package shopadmin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/secret"
)

// Secret names in the store. Every one is sealed with the server's key and
// bound to the shop and the name (SealSecret).
const (
	SecretShopifyToken = "shopify_token"
	// SecretWebhook and SecretWebhookPrevious are the app's client secret
	// that signs webhooks, and the one before it during a rotation.
	SecretWebhook         = "webhook_secret"
	SecretWebhookPrevious = "webhook_secret_previous"
	// SecretStockyKey is the Stocky API key.
	SecretStockyKey = "stocky_key"
	// The two token-granting methods. The cached tokens are kept so a
	// restart (or another process) reuses a token still valid instead of
	// asking Shopify for another, and so an OAuth refresh token survives.
	SecretShopifyClientID     = "shopify_client_id"
	SecretShopifyClientSecret = "shopify_client_secret"
	SecretShopifyCCToken      = "shopify_client_credentials_token"
	SecretShopifyOAuthToken   = "shopify_oauth_token"
)

// ShopifySecrets are the secrets that reach a shop's Shopify Admin API
// (an uninstall forgets them; the webhook secret stays to verify the
// privacy webhooks that follow).
var ShopifySecrets = []string{SecretShopifyToken, SecretShopifyClientID, SecretShopifyClientSecret, SecretShopifyCCToken, SecretShopifyOAuthToken}

// KV keys of the Stocky settings: the Store-Name sent with the key (the
// myshopify domain unless set) and a base URL override (tests, simulators).
const (
	KVStockyStore = "stocky:store"
	KVStockyURL   = "stocky:url"
)

var errNoBox = shopqb.Errorf(shopqb.EUnavailable, "this server cannot store secrets: it has no secret key")

// OpenSecret decrypts one of the shop's secrets; shopqb.ErrNotFound when absent.
func (s *Service) OpenSecret(ctx context.Context, shop *shopqb.Shop, name string) ([]byte, error) {
	if s.box == nil {
		return nil, errNoBox
	}
	ct, err := s.store.Secret(ctx, shop.ID, name)
	if err != nil {
		return nil, err
	}
	pt, err := s.box.Open(ct, secret.Bind(shop.Domain, name))
	if err != nil {
		return nil, fmt.Errorf("decrypt %s of %s (wrong SHOPQB_SECRET_KEY?): %w", name, shop.Domain, err)
	}
	return pt, nil
}

// SealSecret encrypts a value bound to the shop and the secret's name, so a
// ciphertext copied to another shop or name does not open, and stores it.
func (s *Service) SealSecret(ctx context.Context, shop *shopqb.Shop, name string, value []byte) error {
	if s.box == nil {
		return errNoBox
	}
	ct, err := s.box.Seal(value, secret.Bind(shop.Domain, name))
	if err != nil {
		return fmt.Errorf("seal %s of %s: %w", name, shop.Domain, err)
	}
	if err := s.store.PutSecret(ctx, shop.ID, name, ct); err != nil {
		return fmt.Errorf("store %s of %s: %w", name, shop.Domain, err)
	}
	return nil
}

// cleanSecret trims a pasted secret and refuses one that is empty (unless
// optional) or has spaces or control characters inside, which no Shopify,
// Stocky or webhook secret has: such a value is a paste gone wrong. The
// value itself never appears in the error.
func cleanSecret(field, v string, optional bool) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" && !optional {
		return "", shopqb.Errorf(shopqb.EInvalid, "the %s is required", field)
	}
	if strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "", shopqb.Errorf(shopqb.EInvalid, "the %s contains spaces or control characters; paste it again", field)
	}
	return v, nil
}

// SetShopifyToken stores a shop's Admin API token (a custom app's static token).
func (s *Service) SetShopifyToken(ctx context.Context, shopID int64, actor, token string) error {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return err
	}
	return s.setShopifyToken(ctx, shop, actor, token)
}

func (s *Service) setShopifyToken(ctx context.Context, shop *shopqb.Shop, actor, token string) error {
	token, err := cleanSecret("Shopify token", token, false)
	if err != nil {
		return err
	}
	if err := s.SealSecret(ctx, shop, SecretShopifyToken, []byte(token)); err != nil {
		return err
	}
	s.audit(ctx, shop.ID, actor, "shopify_token_stored", "")
	return nil
}

// SetShopifyClientCredentials stores the client id and secret of the shop's
// own app and forgets any token granted with the old ones. The client secret
// also signs that app's webhooks, so it becomes the shop's webhook secret
// (the old one still verifies during the change). It does not change the
// shop's ShopifyAuth.
func (s *Service) SetShopifyClientCredentials(ctx context.Context, shopID int64, actor, clientID, clientSecret string) error {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return err
	}
	return s.setClientCredentials(ctx, shop, actor, clientID, clientSecret)
}

func (s *Service) setClientCredentials(ctx context.Context, shop *shopqb.Shop, actor, clientID, clientSecret string) error {
	clientID, err := cleanSecret("client id", clientID, false)
	if err != nil {
		return err
	}
	if clientSecret, err = cleanSecret("client secret", clientSecret, false); err != nil {
		return err
	}
	if err := s.SealSecret(ctx, shop, SecretShopifyClientID, []byte(clientID)); err != nil {
		return err
	}
	if err := s.SealSecret(ctx, shop, SecretShopifyClientSecret, []byte(clientSecret)); err != nil {
		return err
	}
	// Without a cached token the next read asks Shopify for one.
	if err := s.store.DeleteSecret(ctx, shop.ID, SecretShopifyCCToken); err != nil {
		return fmt.Errorf("forget the Shopify token of %s: %w", shop.Domain, err)
	}
	s.audit(ctx, shop.ID, actor, "client_credentials_stored", "")
	return s.setWebhookSecret(ctx, shop, actor, clientSecret)
}

// SetWebhookSecret stores the secret that signs a shop's webhooks; the
// current one is kept as the previous one so deliveries signed during the
// rotation still verify.
func (s *Service) SetWebhookSecret(ctx context.Context, shopID int64, actor, secretText string) error {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return err
	}
	return s.setWebhookSecret(ctx, shop, actor, secretText)
}

func (s *Service) setWebhookSecret(ctx context.Context, shop *shopqb.Shop, actor, secretText string) error {
	secretText, err := cleanSecret("webhook secret", secretText, false)
	if err != nil {
		return err
	}
	cur, err := s.OpenSecret(ctx, shop, SecretWebhook)
	switch {
	case err == nil:
		if string(cur) == secretText {
			return nil // already current: keep the previous one as it is
		}
		if err := s.SealSecret(ctx, shop, SecretWebhookPrevious, cur); err != nil {
			return err
		}
	case !errors.Is(err, shopqb.ErrNotFound):
		return err
	}
	if err := s.SealSecret(ctx, shop, SecretWebhook, []byte(secretText)); err != nil {
		return err
	}
	s.audit(ctx, shop.ID, actor, "webhook_secret_stored", "")
	return nil
}

// SetStockyKey stores a shop's Stocky API key, sealed like its Shopify
// token, and the Store-Name Stocky expects with it. An empty storeName means
// the shop's myshopify domain, which is what Stocky uses unless the merchant
// was told otherwise.
func (s *Service) SetStockyKey(ctx context.Context, shopID int64, actor, storeName, key string) error {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return err
	}
	if key, err = cleanSecret("Stocky API key", key, false); err != nil {
		return err
	}
	storeName = strings.TrimSpace(storeName)
	if strings.IndexFunc(storeName, unicode.IsControl) >= 0 {
		return shopqb.Errorf(shopqb.EInvalid, "the Stocky store name contains control characters")
	}
	if storeName == "" {
		storeName = shop.Domain
	}
	if s.box == nil {
		return errNoBox
	}
	if err := s.store.PutKV(ctx, shop.ID, KVStockyStore, []byte(storeName)); err != nil {
		return fmt.Errorf("store the Stocky store name of %s: %w", shop.Domain, err)
	}
	if err := s.SealSecret(ctx, shop, SecretStockyKey, []byte(key)); err != nil {
		return err
	}
	s.audit(ctx, shop.ID, actor, "stocky_key_stored", storeName)
	return nil
}
