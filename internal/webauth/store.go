package webauth

import (
	"context"
	"time"

	"github.com/shopqb/shopqb"
)

// Store is what standalone login keeps in the database; internal/store's
// *DB implements it on SQLite and PostgreSQL.
type Store interface {
	UserByEmail(ctx context.Context, email string) (*shopqb.User, error) // shopqb.ErrNotFound
	UserByID(ctx context.Context, id int64) (*shopqb.User, error)        // shopqb.ErrNotFound
	UpdateUser(ctx context.Context, u *shopqb.User) error
	// UserCanSee: an operator sees every shop, anyone else the shops granted.
	UserCanSee(ctx context.Context, userID, shopID int64) (bool, error)
	// VisibleShops is a page of the shops UserCanSee allows, and how many there are.
	VisibleShops(ctx context.Context, userID int64, offset, limit int) ([]shopqb.ShopRef, int, error)

	CreateSession(ctx context.Context, s *shopqb.Session) error
	SessionByHash(ctx context.Context, idHash []byte) (*shopqb.Session, error) // shopqb.ErrNotFound
	TouchSession(ctx context.Context, idHash []byte, at time.Time) error
	DeleteSession(ctx context.Context, idHash []byte) error

	RecordLoginFailure(ctx context.Context, at time.Time, keys ...string) error
	LoginFailuresSince(ctx context.Context, key string, since time.Time) (n int, oldest time.Time, err error)
	ClearLoginFailures(ctx context.Context, key string) error

	CreateLoginLink(ctx context.Context, tokenHash []byte, userID int64, expiresAt time.Time) error
	TakeLoginLink(ctx context.Context, tokenHash []byte, now time.Time) (int64, error) // shopqb.ErrNotFound
}

// ShopFinder finds a registered shop by its myshopify domain
// (shopqb.ErrNotFound when there is none); internal/store's *DB implements it.
type ShopFinder interface {
	ShopByDomain(ctx context.Context, domain string) (*shopqb.Shop, error)
}
