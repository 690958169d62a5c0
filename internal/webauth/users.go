package webauth

import (
	"context"
	"fmt"

	"github.com/shopqb/shopqb"
)

// UserAdmin is what adding users needs of the store (internal/store's *DB).
type UserAdmin interface {
	CreateUser(ctx context.Context, u *shopqb.User) error // shopqb.ErrConflict on a taken e-mail
	GrantShop(ctx context.Context, userID, shopID int64) error
}

// AddUser creates a user of the deployment with the password hashed by
// argon2id (DefaultArgon2) and grants them the shops. A bad e-mail or a
// weak password is refused before anything is stored.
func AddUser(ctx context.Context, st UserAdmin, email, password string, operator bool, shopIDs ...int64) (*shopqb.User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	hash, err := HashPassword(password, DefaultArgon2)
	if err != nil {
		return nil, err
	}
	u := &shopqb.User{Email: email, PasswordHash: hash, Operator: operator}
	if err := st.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	for _, id := range shopIDs {
		if err := st.GrantShop(ctx, u.ID, id); err != nil {
			return u, fmt.Errorf("user %s was added but not granted shop %d: %w", email, id, err)
		}
	}
	return u, nil
}
