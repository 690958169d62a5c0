package webauth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/shopqb/shopqb"
)

// Session lifetimes: a session ends after 12 hours without a request, and
// 7 days after the login whatever happens.
const (
	SessionIdleTimeout     = 12 * time.Hour
	SessionAbsoluteTimeout = 7 * 24 * time.Hour
	// LoginLinkTTL is how long a one-time login link works.
	LoginLinkTTL = 15 * time.Minute
	// touchEvery limits the writes that keep a busy session alive.
	touchEvery = time.Minute
)

// DefaultCookieName is the session cookie. The __Host- prefix makes the
// browser refuse it unless it is Secure, has Path=/ and no Domain, so no
// sibling subdomain can plant or overwrite it. Chromium treats
// http://127.0.0.1 and http://localhost as secure contexts and keeps
// Secure (and so __Host-) cookies there; standalone_browser_test.go checks
// that with /usr/bin/chromium.
const DefaultCookieName = "__Host-shopqb"

// loginCookieSuffix names the pre-session cookie that carries the login
// form's CSRF secret.
const loginCookieSuffix = "-login"

// CSRFHeader carries the CSRF token on fetches (the form field is CSRFField).
const CSRFHeader = "X-CSRF-Token"

// Errors of Login. A wrong e-mail and a wrong password are the same error,
// so the page cannot be used to find out who has an account.
var (
	ErrBadCredentials = errors.New("the e-mail or the password is wrong")
	ErrBadCSRF        = errors.New("the form expired or did not come from this site: reload the page and try again")
)

// StandaloneConfig configures the self-hosted login.
type StandaloneConfig struct {
	Store Store
	// Prefix is the standalone route tree ("/console" when empty); the login
	// page is Prefix+"/login", the one-time links Prefix+"/login/link".
	Prefix string
	// CookieName is the session cookie (DefaultCookieName when empty).
	CookieName string
	// Argon2 are the password hashing costs (DefaultArgon2 when nil); a
	// stored hash that is weaker is replaced at the next login.
	Argon2 *Argon2Params
	// Now and Sleep are the clock and the limiter's wait (tests); nil means
	// the real ones.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// ClientIP names the address a login comes from (nil: the connection's
	// peer; behind a proxy, give one that reads the proxy's header).
	ClientIP func(r *http.Request) string
	Log      *slog.Logger
}

// StandaloneAuth authenticates the /console tree with login sessions.
type StandaloneAuth struct {
	store   Store
	prefix  string
	cookie  string
	argon   Argon2Params
	now     func() time.Time
	limiter *limiter
	ip      func(*http.Request) string
	log     *slog.Logger
	// dummyHash is verified when the e-mail is unknown, so a login for an
	// account that does not exist costs what one that does costs. It is
	// made at the first login, not at start (CLI commands never need it).
	dummyOnce sync.Once
	dummyHash string
}

func (s *StandaloneAuth) dummy() string {
	s.dummyOnce.Do(func() {
		h, err := HashPassword(randomString(24), s.argon)
		if err != nil {
			panic("webauth: hash a random password: " + err.Error())
		}
		s.dummyHash = h
	})
	return s.dummyHash
}

// NewStandalone returns the standalone authenticator.
func NewStandalone(cfg StandaloneConfig) (*StandaloneAuth, error) {
	if cfg.Store == nil {
		return nil, errors.New("webauth: StandaloneConfig.Store is required")
	}
	s := &StandaloneAuth{store: cfg.Store, prefix: strings.TrimRight(cfg.Prefix, "/"), cookie: cfg.CookieName,
		argon: DefaultArgon2, now: cfg.Now, ip: cfg.ClientIP, log: cfg.Log}
	if s.prefix == "" {
		s.prefix = "/console"
	}
	if s.cookie == "" {
		s.cookie = DefaultCookieName
	}
	if cfg.Argon2 != nil {
		s.argon = *cfg.Argon2
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ip == nil {
		s.ip = peerIP
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	sleep := cfg.Sleep
	if sleep == nil {
		sleep = sleepContext
	}
	s.limiter = &limiter{store: cfg.Store, now: s.now, sleep: sleep}
	return s, nil
}

// LoginPath is the login page.
func (s *StandaloneAuth) LoginPath() string { return s.prefix + "/login" }

// LoginLinkPath is where one-time login links point.
func (s *StandaloneAuth) LoginLinkPath() string { return s.prefix + "/login/link" }

// HomePath is where a login without a next goes.
func (s *StandaloneAuth) HomePath() string { return s.prefix + "/" }

// Require authenticates every request of the wrapped handler with the
// session cookie. Without a live session the browser is sent to the login
// page with next set to where it was going. An unsafe method (POST, PUT,
// PATCH, DELETE) must carry the session's CSRF token in the csrf_token
// field or the X-CSRF-Token header: otherwise the answer is 403 and next
// never runs. The request's Principal is set for next. GET
// LoginLinkPath() is served here too (ServeLoginLink), so mounting Require
// over the whole tree is enough.
func (s *StandaloneAuth) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == s.LoginLinkPath() && r.Method == http.MethodGet {
			// A login link is how one gets a session: it cannot need one.
			s.ServeLoginLink(w, r)
			return
		}
		SetStandaloneHeaders(w.Header())
		w.Header().Set("Cache-Control", "private, no-store")
		ctx := r.Context()
		sess, raw, err := s.session(ctx, r)
		if err != nil {
			if !errors.Is(err, errNoSession) {
				s.log.Error("read login session", "err", err)
				http.Error(w, "The session could not be read; try again in a moment.", http.StatusInternalServerError)
				return
			}
			s.clearCookie(w, s.cookie)
			http.Redirect(w, r, s.LoginPath()+"?next="+url.QueryEscape(LocalPath(r.URL.RequestURI(), s.HomePath())), http.StatusSeeOther)
			return
		}
		csrf := derive(raw, "shopqb csrf v1")
		if !safeMethod(r.Method) && !tokenMatches(requestCSRF(r), csrf) {
			http.Error(w, "Forbidden: the form's security token is missing or wrong. Reload the page and submit it again.", http.StatusForbidden)
			return
		}
		u, err := s.store.UserByID(ctx, sess.UserID)
		if err != nil {
			if errors.Is(err, shopqb.ErrNotFound) {
				_ = s.store.DeleteSession(ctx, sess.IDHash)
				s.clearCookie(w, s.cookie)
				http.Redirect(w, r, s.LoginPath(), http.StatusSeeOther)
				return
			}
			s.log.Error("read session user", "err", err)
			http.Error(w, "The session could not be read; try again in a moment.", http.StatusInternalServerError)
			return
		}
		if now := s.now(); now.Sub(sess.LastSeenAt) >= touchEvery {
			if err := s.store.TouchSession(ctx, sess.IDHash, now); err != nil {
				s.log.Warn("touch login session", "err", err)
			}
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(ctx, s.principal(u, csrf))))
	})
}

func (s *StandaloneAuth) principal(u *shopqb.User, csrf string) *Principal {
	store, id := s.store, u.ID
	return &Principal{
		Mode: Standalone, Actor: "user:" + u.Email, UserID: u.ID, Locale: u.Locale, CSRF: csrf, Operator: u.Operator,
		canSee: func(ctx context.Context, shopID int64) (bool, error) { return store.UserCanSee(ctx, id, shopID) },
	}
}

var errNoSession = errors.New("no live session")

// session returns the request's live session and its raw id; a session
// past its idle or absolute end is deleted and reads as none.
func (s *StandaloneAuth) session(ctx context.Context, r *http.Request) (*shopqb.Session, []byte, error) {
	c, err := r.Cookie(s.cookie)
	if err != nil {
		return nil, nil, errNoSession
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(raw) != 32 {
		return nil, nil, errNoSession
	}
	hash := sha256.Sum256(raw)
	sess, err := s.store.SessionByHash(ctx, hash[:])
	if errors.Is(err, shopqb.ErrNotFound) {
		return nil, nil, errNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(SessionIdleTimeout)) {
		if err := s.store.DeleteSession(ctx, sess.IDHash); err != nil {
			s.log.Warn("delete ended session", "err", err)
		}
		return nil, nil, errNoSession
	}
	return sess, raw, nil
}

// Public wraps the pages a visitor sees before logging in (the login page,
// its POST, the login links): standalone headers, a pre-session CSRF secret
// in its own cookie, and the same rule as Require — an unsafe method
// without the matching token gets 403 and next never runs. The login form
// gets its token from LoginCSRF.
func (s *StandaloneAuth) Public(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetStandaloneHeaders(w.Header())
		w.Header().Set("Cache-Control", "no-store")
		if !safeMethod(r.Method) && !s.loginCSRFValid(r, requestCSRF(r)) {
			http.Error(w, "Forbidden: the form's security token is missing or wrong. Reload the login page and try again.", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// LoginCSRF returns the token the login form carries in csrf_token,
// setting the pre-session cookie it is checked against when there is none.
func (s *StandaloneAuth) LoginCSRF(w http.ResponseWriter, r *http.Request) (string, error) {
	if raw, ok := s.loginSecret(r); ok {
		return derive(raw, "shopqb login csrf v1"), nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("login form token: %w", err)
	}
	s.setCookie(w, s.cookie+loginCookieSuffix, base64.RawURLEncoding.EncodeToString(raw), 2*time.Hour)
	// Later handlers of this same request (the page's template) see it too.
	r.AddCookie(&http.Cookie{Name: s.cookie + loginCookieSuffix, Value: base64.RawURLEncoding.EncodeToString(raw)})
	return derive(raw, "shopqb login csrf v1"), nil
}

func (s *StandaloneAuth) loginSecret(r *http.Request) ([]byte, bool) {
	c, err := r.Cookie(s.cookie + loginCookieSuffix)
	if err != nil {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	return raw, err == nil && len(raw) == 32
}

func (s *StandaloneAuth) loginCSRFValid(r *http.Request, presented string) bool {
	raw, ok := s.loginSecret(r)
	return ok && tokenMatches(presented, derive(raw, "shopqb login csrf v1"))
}

// Login checks the login form's CSRF token (csrf, the form's csrf_token),
// the rate limit and the password, and on success starts a new session (a
// new id, whatever came before) and sets its cookie; the caller then
// redirects to LocalPath(next, s.HomePath()). It returns ErrBadCSRF, a
// *RateLimitError (say "try again in N s"), ErrBadCredentials, or another
// error (the database) to log.
func (s *StandaloneAuth) Login(w http.ResponseWriter, r *http.Request, email, password, csrf string) error {
	ctx := r.Context()
	if !s.loginCSRFValid(r, csrf) {
		return ErrBadCSRF
	}
	email = strings.ToLower(strings.TrimSpace(email))
	ip := s.ip(r)
	if err := s.limiter.before(ctx, email, ip); err != nil {
		return err
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, shopqb.ErrNotFound) {
		return err
	}
	var hash string
	if u == nil {
		hash = s.dummy()
	} else {
		hash = u.PasswordHash
	}
	ok, verr := VerifyPassword(hash, password)
	if u == nil || !ok {
		if verr != nil && u != nil {
			s.log.Error("stored password hash unreadable", "user", u.Email, "err", verr)
		}
		if err := s.limiter.failed(ctx, email, ip); err != nil {
			return err
		}
		s.log.Info("login failed", "email", email, "ip", ip)
		return ErrBadCredentials
	}
	if err := s.limiter.succeeded(ctx, email); err != nil {
		s.log.Warn("clear failed logins", "err", err)
	}
	if NeedsRehash(u.PasswordHash, s.argon) {
		if h, err := HashPassword(password, s.argon); err == nil {
			u.PasswordHash = h
			if err := s.store.UpdateUser(ctx, u); err != nil {
				s.log.Warn("rehash password", "user", u.Email, "err", err)
			}
		}
	}
	if err := s.startSession(w, r, u.ID); err != nil {
		return err
	}
	s.log.Info("login", "user", u.Email, "ip", ip)
	return nil
}

// startSession ends the request's current session, if any, and starts one for userID.
func (s *StandaloneAuth) startSession(w http.ResponseWriter, r *http.Request, userID int64) error {
	ctx := r.Context()
	if old, _, err := s.session(ctx, r); err == nil {
		_ = s.store.DeleteSession(ctx, old.IDHash)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("session id: %w", err)
	}
	hash := sha256.Sum256(raw)
	now := s.now()
	sess := &shopqb.Session{IDHash: hash[:], UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionAbsoluteTimeout)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return err
	}
	s.setCookie(w, s.cookie, base64.RawURLEncoding.EncodeToString(raw), SessionAbsoluteTimeout)
	s.clearCookie(w, s.cookie+loginCookieSuffix)
	return nil
}

// Logout deletes the request's session row and its cookie. Mount it under
// Require so that it, too, needs the CSRF token.
func (s *StandaloneAuth) Logout(w http.ResponseWriter, r *http.Request) error {
	s.clearCookie(w, s.cookie)
	sess, _, err := s.session(r.Context(), r)
	if errors.Is(err, errNoSession) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.DeleteSession(r.Context(), sess.IDHash)
}

// Shops lists a page of the shops p may see and how many there are: for
// a standalone user the granted ones (every shop for an operator), for an
// embedded principal none (its one shop is the token's).
func (s *StandaloneAuth) Shops(ctx context.Context, p *Principal, offset, limit int) ([]shopqb.ShopRef, int, error) {
	if p == nil || p.Mode != Standalone || p.UserID == 0 {
		return nil, 0, nil
	}
	return s.store.VisibleShops(ctx, p.UserID, offset, limit)
}

// NewLoginLink makes a one-time login link for the user, valid for
// LoginLinkTTL: baseURL + LoginLinkPath() + "?token=…". The token is
// stored only as its SHA-256.
func (s *StandaloneAuth) NewLoginLink(ctx context.Context, userID int64, baseURL string) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("login link: %w", err)
	}
	hash := sha256.Sum256(raw)
	if err := s.store.CreateLoginLink(ctx, hash[:], userID, s.now().Add(LoginLinkTTL)); err != nil {
		return "", err
	}
	return strings.TrimRight(baseURL, "/") + s.LoginLinkPath() + "?token=" + base64.RawURLEncoding.EncodeToString(raw), nil
}

// ServeLoginLink is GET LoginLinkPath(): it consumes the link's token and
// logs its user in, then sends them to next (or HomePath()). A used,
// expired or unknown link goes to the login page with ?error=link.
func (s *StandaloneAuth) ServeLoginLink(w http.ResponseWriter, r *http.Request) {
	SetStandaloneHeaders(w.Header())
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	ctx := r.Context()
	raw, err := base64.RawURLEncoding.DecodeString(r.URL.Query().Get("token"))
	if err != nil || len(raw) != 32 {
		http.Redirect(w, r, s.LoginPath()+"?error=link", http.StatusSeeOther)
		return
	}
	hash := sha256.Sum256(raw)
	userID, err := s.store.TakeLoginLink(ctx, hash[:], s.now())
	if err != nil {
		if !errors.Is(err, shopqb.ErrNotFound) {
			s.log.Error("login link", "err", err)
		}
		http.Redirect(w, r, s.LoginPath()+"?error=link", http.StatusSeeOther)
		return
	}
	if err := s.startSession(w, r, userID); err != nil {
		s.log.Error("login link: start session", "err", err)
		http.Error(w, "The login could not be completed; ask for a new link.", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, LocalPath(r.URL.Query().Get("next"), s.HomePath()), http.StatusSeeOther)
}

func (s *StandaloneAuth) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge / time.Second),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func (s *StandaloneAuth) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// LocalPath returns next when it is a path on this server ("/console/…"),
// else fallback: never another host, a scheme, "//host" or "/\host".
func LocalPath(next, fallback string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n\t\\") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return next
}

// NormalizeEmail returns the lower-case address of a user's e-mail, or an
// error saying why it is not one.
func NormalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return "", fmt.Errorf("%q is not an e-mail address such as kim@example.com", email)
	}
	return email, nil
}

// requestCSRF is the token an unsafe request carries: the header (fetches)
// or the form field (forms, multipart uploads included).
func requestCSRF(r *http.Request) string {
	if t := r.Header.Get(CSRFHeader); t != "" {
		return t
	}
	return r.FormValue(CSRFField)
}

// derive is HMAC-SHA256(secret, label), unpadded base64url. A CSRF token
// derived from the session id needs no column of its own, and the
// database, which holds only the id's hash, cannot produce it.
func derive(secret []byte, label string) string {
	m := hmac.New(sha256.New, secret)
	io.WriteString(m, label)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// tokenMatches compares a presented token with the expected one in constant time.
func tokenMatches(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("webauth: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
