package shopqb

import "time"

// User is a person who logs in to a self-hosted shopqb (the /console pages):
// the self-hoster, a bookkeeper, an operator. Shopify staff reach the
// embedded pages with Shopify's session token instead and are not users.
type User struct {
	ID    int64
	Email string // lower case; the login name
	// PasswordHash is an argon2id hash in PHC form, its parameters included
	// ("$argon2id$v=19$m=…,t=…,p=…$salt$hash"); never the password.
	PasswordHash string
	// Operator users see every shop; others only the shops granted to them.
	Operator bool
	// Locale is the user's saved language ("" = from the browser).
	Locale    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Session is a standalone login. The browser holds a random id; the
// database only its SHA-256, so reading the table gives nobody a session.
type Session struct {
	IDHash     []byte
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	// ExpiresAt is the absolute end, whatever the activity.
	ExpiresAt time.Time
}

// ShopRef names a shop in a list (the shops a user may see).
type ShopRef struct {
	ID     int64
	Domain string
	Name   string
}
