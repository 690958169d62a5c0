package shopadmin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/secret"
)

// Registration and Registered are the domain's (shopqb.Registration):
// the names here are what the front doors spell.
type (
	Registration = shopqb.Registration
	Registered   = shopqb.Registered
)

// Register validates and stores a new shop with a fresh app token, then its
// Shopify credentials. Nothing is stored when the registration is invalid.
// When the shop was created but a credential could not be stored, the
// Registered value still carries the shop and its one-time app token along
// with the error, so the caller can show the token (it is never shown again)
// and say how to store the credential later.
func (s *Service) Register(ctx context.Context, r Registration, actor string) (Registered, error) {
	shop, err := s.newShop(r)
	if err != nil {
		return Registered{}, err
	}
	token, hash := secret.NewAppToken()
	now := s.now()
	shop.AppTokenHash, shop.AppTokenCreatedAt = hash, &now
	if err := s.store.CreateShop(ctx, shop); err != nil {
		if errors.Is(err, shopqb.ErrConflict) {
			return Registered{}, &shopqb.Error{Code: shopqb.EConflict, Err: err,
				Message: fmt.Sprintf("a shop with domain %s or Web Connector user %s is already registered", shop.Domain, shop.QBWCUser)}
		}
		return Registered{}, fmt.Errorf("register shop %s: %w", shop.Domain, err)
	}
	s.audit(ctx, shop.ID, actor, "shop_created", shop.Domain)
	out := Registered{Shop: shop, AppToken: token}
	switch {
	case r.ShopifyToken != "":
		if err := s.setShopifyToken(ctx, shop, actor, r.ShopifyToken); err != nil {
			return out, fmt.Errorf("shop %s is registered but its Shopify token was not stored: %w", shop.Domain, err)
		}
	case r.ClientID != "":
		if err := s.setClientCredentials(ctx, shop, actor, r.ClientID, r.ClientSecret); err != nil {
			return out, fmt.Errorf("shop %s is registered but its Shopify client credentials were not stored: %w", shop.Domain, err)
		}
	}
	return out, nil
}

// newShop turns a registration into a valid shop, or says what is wrong.
func (s *Service) newShop(r Registration) (*shopqb.Shop, error) {
	shop := &shopqb.Shop{
		Domain: strings.ToLower(strings.TrimSpace(r.Domain)), Name: strings.TrimSpace(r.Name),
		TimeZone: strings.TrimSpace(r.TimeZone), Currency: strings.ToUpper(strings.TrimSpace(r.Currency)),
		ShopifyAuth: r.ShopifyAuth, ShopifyURL: strings.TrimSpace(r.ShopifyURL),
		Settings: shopqb.DefaultSettings(),
	}
	if shop.Currency == "" {
		shop.Currency = "USD"
	}
	if shop.ShopifyAuth == "" {
		shop.ShopifyAuth = shopqb.AuthStatic
	}
	if r.Settings != nil {
		shop.Settings = *r.Settings
		if shop.Settings.Mapping == nil {
			shop.Settings.Mapping = shopqb.DefaultMapping()
		}
	}
	if err := shop.Validate(); err != nil {
		return nil, err
	}
	var err error
	if r.ShopifyToken, err = cleanSecret("Shopify token", r.ShopifyToken, true); err != nil {
		return nil, err
	}
	if r.ClientID, err = cleanSecret("client id", r.ClientID, true); err != nil {
		return nil, err
	}
	if r.ClientSecret, err = cleanSecret("client secret", r.ClientSecret, true); err != nil {
		return nil, err
	}
	switch shop.ShopifyAuth {
	case shopqb.AuthStatic:
		if r.ClientID != "" || r.ClientSecret != "" {
			return nil, shopqb.Errorf(shopqb.EInvalid, "a client id and secret need Shopify auth %s", shopqb.AuthClientCredentials)
		}
	case shopqb.AuthClientCredentials:
		if r.ClientID == "" || r.ClientSecret == "" || r.ShopifyToken != "" {
			return nil, shopqb.Errorf(shopqb.EInvalid, "Shopify auth %s needs a client id and a client secret (and no Shopify token)", shopqb.AuthClientCredentials)
		}
	case shopqb.AuthOAuth:
		if r.ShopifyToken != "" || r.ClientID != "" || r.ClientSecret != "" {
			return nil, shopqb.Errorf(shopqb.EInvalid, "a shop using the Shopify app gets its token from the install, not from a pasted token or client credentials")
		}
	}
	if (r.ShopifyToken != "" || r.ClientID != "") && s.box == nil {
		return nil, errNoBox
	}
	shop.QBWCUser = strings.TrimSuffix(shop.Domain, ".myshopify.com")
	shop.OwnerID = qbwc.StableGUID("shopqb-owner", shop.Domain)
	shop.FileID = qbwc.StableGUID("shopqb-file", shop.Domain)
	return shop, nil
}

// RotateAppToken replaces a shop's app token and returns the new one, shown
// once; the old one stops working at once.
func (s *Service) RotateAppToken(ctx context.Context, shopID int64, actor string) (string, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return "", err
	}
	token, hash := secret.NewAppToken()
	now := s.now()
	shop.AppTokenHash, shop.AppTokenCreatedAt = hash, &now
	if err := s.store.UpdateShop(ctx, shop); err != nil {
		return "", fmt.Errorf("rotate the app token of %s: %w", shop.Domain, err)
	}
	s.audit(ctx, shopID, actor, "token_rotated", "")
	return token, nil
}

// AppTokenCreatedAt is when the shop's current app token was made; nil for
// a shop registered before shopqb recorded it.
func (s *Service) AppTokenCreatedAt(ctx context.Context, shopID int64) (*time.Time, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	return shop.AppTokenCreatedAt, nil
}
