// Package ui is shopqb's merchant pages: the setup wizard, served two ways
// from one set of page templates. Embedded in the Shopify admin (/app/) the
// pages are built from Polaris web components and authenticated by Shopify's
// session token; self-hosted (/console/) they are native HTML with shopqb's
// own stylesheet, a login session and a CSRF token on every form, and they
// load nothing from the internet and work with JavaScript off.
//
// Page templates call component partials only (page, section, banner,
// select, …); templates/embedded and templates/standalone each define every
// partial with the same arguments. Handlers call setup.Wizard for every
// rule and every fact; nothing is decided here.
package ui

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/webauth"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed locales
var localeFS embed.FS

// Config is what the pages need.
type Config struct {
	// Wizard is the setup wizard's use cases (setup.Service).
	Wizard setup.Wizard
	// Books is the use cases after the start (dashboard.Service); nil: a
	// started shop's home stays its read-only review.
	Books dashboard.Books
	// Standalone is the self-hosted login; nil: /console/ is not served.
	Standalone StandaloneAuth
	// Embedded authenticates requests from the Shopify admin (session
	// token, bounce page, per-shop CSP) and puts the Principal in the
	// context; nil: /app/ is not served.
	Embedded func(http.Handler) http.Handler
	// APIKey is the Shopify app's client ID, for App Bridge's meta tag.
	APIKey string
	// PublicURL is the server's external base URL (the Web Connector's address is derived from it by the wizard).
	PublicURL string
	Log       *slog.Logger
	// Locales replaces the built-in message catalogs (tests); nil: internal/ui/locales.
	Locales fs.FS
}

// StandaloneAuth is the self-hosted login: *webauth.StandaloneAuth.
type StandaloneAuth interface {
	// Require authenticates a console request: with a valid session it puts
	// the Principal into the request's context and answers 403 to a form
	// posted without the session's CSRF token; without a session it sends
	// the browser to /console/login.
	Require(next http.Handler) http.Handler
	// Public wraps the login page: standalone headers, and 403 for a post
	// without the login form's CSRF token.
	Public(next http.Handler) http.Handler
	// LoginCSRF returns the token the login form carries, bound to the browser by a cookie it sets.
	LoginCSRF(w http.ResponseWriter, r *http.Request) (string, error)
	// Login checks the form's CSRF token and the credentials, then starts a
	// session and sets its cookie. It returns webauth.ErrBadCredentials,
	// webauth.ErrBadCSRF or a *webauth.RateLimitError for the answers the
	// page explains.
	Login(w http.ResponseWriter, r *http.Request, email, password, csrf string) error
	// Logout ends the request's session and clears its cookie.
	Logout(w http.ResponseWriter, r *http.Request) error
	// Shops lists the shops p may see, ordered, a page at a time, and how many there are.
	Shops(ctx context.Context, p *webauth.Principal, offset, limit int) ([]shopqb.ShopRef, int, error)
}

var _ StandaloneAuth = (*webauth.StandaloneAuth)(nil)

// The two partial sets.
const (
	modeStandalone = "standalone"
	modeEmbedded   = "embedded"
)

type handler struct {
	cfg  Config
	log  *slog.Logger
	cat  *catalog
	sets map[string]*template.Template
	// canSee is the access check of every shop page (Principal.CanSee; tests replace it).
	canSee func(ctx context.Context, p *webauth.Principal, shopID int64) (bool, error)
}

// New returns the pages' handler, to be served under /console/ and /app/.
func New(cfg Config) (http.Handler, error) {
	h, err := newHandler(cfg)
	if err != nil {
		return nil, err
	}
	return h.routes(), nil
}

func newHandler(cfg Config) (*handler, error) {
	if cfg.Wizard == nil {
		return nil, errors.New("ui: no setup wizard")
	}
	h := &handler{cfg: cfg, log: cfg.Log, sets: map[string]*template.Template{}}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	locales := cfg.Locales
	if locales == nil {
		sub, err := fs.Sub(localeFS, "locales")
		if err != nil {
			return nil, err
		}
		locales = sub
	}
	var err error
	if h.cat, err = loadCatalog(locales); err != nil {
		return nil, err
	}
	for _, mode := range []string{modeStandalone, modeEmbedded} {
		t := template.New(mode).Funcs(templateFuncs(h.cat.localizer("en", "")))
		if t, err = t.ParseFS(templateFS, "templates/"+mode+"/*.tmpl", "templates/pages/*.tmpl"); err != nil {
			return nil, fmt.Errorf("ui: parse %s templates: %w", mode, err)
		}
		h.sets[mode] = t
	}
	h.canSee = func(ctx context.Context, p *webauth.Principal, shopID int64) (bool, error) {
		return p.CanSee(ctx, shopID)
	}
	return h, nil
}

func (h *handler) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(static)
	serveStatic := func(prefix string) http.Handler {
		return http.StripPrefix(prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=3600")
			files.ServeHTTP(w, r)
		}))
	}
	if std := h.cfg.Standalone; std != nil {
		mux.Handle("GET /console/static/", serveStatic("/console/static"))
		mux.Handle("GET /console/login", std.Public(http.HandlerFunc(h.loginForm)))
		mux.Handle("POST /console/login", std.Public(http.HandlerFunc(h.loginSubmit)))
		in := http.NewServeMux()
		in.HandleFunc("GET /console/{$}", h.shopList)
		in.HandleFunc("POST /console/logout", h.logout)
		in.HandleFunc("GET /console/shops/{id}/{$}", h.std(h.shopHome))
		in.HandleFunc("GET /console/operator", h.operator)
		for _, rt := range h.booksRoutes() {
			in.HandleFunc(rt.method+" /console/shops/{id}"+rt.path, h.std(rt.fn))
		}
		in.HandleFunc("GET /console/shops/{id}/setup/{$}", h.std(h.setupHome))
		in.HandleFunc("GET /console/shops/{id}/setup/{step}", h.std(h.stepGet))
		in.HandleFunc("POST /console/shops/{id}/setup/{step}", h.std(h.stepPost))
		in.HandleFunc("GET /console/shops/{id}/setup/connect/qwc", h.std(h.qwc))
		in.HandleFunc("GET /console/shops/{id}/setup/{step}/status", h.std(h.stepStatus))
		mux.Handle("/console/", std.Require(in))
	}
	if emb := h.cfg.Embedded; emb != nil {
		mux.Handle("GET /app/static/", serveStatic("/app/static"))
		in := http.NewServeMux()
		in.HandleFunc("GET /app/{$}", h.emb(h.shopHome))
		for _, rt := range h.booksRoutes() {
			in.HandleFunc(rt.method+" /app"+rt.path, h.emb(rt.fn))
		}
		in.HandleFunc("GET /app/setup/{$}", h.emb(h.setupHome))
		in.HandleFunc("GET /app/setup/{step}", h.emb(h.stepGet))
		in.HandleFunc("POST /app/setup/{step}", h.emb(h.stepPost))
		in.HandleFunc("GET /app/setup/connect/qwc", h.emb(h.qwc))
		in.HandleFunc("GET /app/setup/{step}/status", h.emb(h.stepStatus))
		mux.Handle("/app/", emb(in))
	}
	return mux
}

// req is one shop page request after the access check.
type req struct {
	w      http.ResponseWriter
	r      *http.Request
	p      *webauth.Principal
	mode   string
	shopID int64
	// base is the shop's URL prefix: /console/shops/7 or /app.
	base string
	lang string
}

func (q *req) stepURL(s setup.Step) string { return q.base + "/setup/" + string(s) }

// std resolves a standalone shop page: the shop is the path's {id}, and the
// principal must be allowed to see it (404 otherwise, as for a shop that
// does not exist).
func (h *handler) std(fn func(*req)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := webauth.FromContext(r.Context())
		var id int64
		if _, err := fmt.Sscan(r.PathValue("id"), &id); err != nil || id <= 0 || fmt.Sprint(id) != r.PathValue("id") {
			h.notFound(w, r, p, modeStandalone)
			return
		}
		h.serveShop(w, r, p, modeStandalone, id, fmt.Sprintf("/console/shops/%d", id), fn)
	}
}

// emb resolves an embedded page: the shop is the session token's.
func (h *handler) emb(fn func(*req)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := webauth.FromContext(r.Context())
		var id int64
		if p != nil {
			id = p.ShopID
		}
		h.serveShop(w, r, p, modeEmbedded, id, "/app", fn)
	}
}

func (h *handler) serveShop(w http.ResponseWriter, r *http.Request, p *webauth.Principal, mode string, id int64, base string, fn func(*req)) {
	if p == nil {
		http.Error(w, "not authenticated", http.StatusUnauthorized)
		return
	}
	ok, err := h.canSee(r.Context(), p, id)
	if err != nil {
		h.fail(w, r, p, mode, fmt.Errorf("check access to shop %d: %w", id, err))
		return
	}
	if !ok || id <= 0 {
		h.notFound(w, r, p, mode)
		return
	}
	fn(&req{w: w, r: r, p: p, mode: mode, shopID: id, base: base, lang: chooseLang(p.Locale, r)})
}

// pageData is what the layout and every page template receive.
type pageData struct {
	Mode, Lang      string
	Title, Subtitle string
	// Static is the URL prefix of the embedded assets.
	Static, APIKey, AdminURL string
	LoggedIn                 bool
	// Operator shows the operator view's link (standalone operators).
	Operator bool
	// Nav is the navigation between the pages after the start.
	Nav  []navItem
	CSRF string
	// Currency formats money in messages, TimeZone shows times (the shop's, when the page's view names them).
	Currency, TimeZone string

	Base  string
	Step  setup.Step
	Steps []stepItem
	// Errors is the error summary at the top of a form that failed verification.
	Errors []summaryItem
	// FieldErrors are the same errors by field name, for the inline messages.
	FieldErrors map[string]string
	View        any
	Extra       map[string]any
}

// summaryItem is one line of the error summary: a translated text, or a
// wizard message translated when the page is rendered (so money in it uses
// the shop's currency, known once the view is loaded).
type summaryItem struct {
	Href, Text string
	Msg        *setup.Message
}

func (h *handler) newPage(mode, lang string, p *webauth.Principal, title string) *pageData {
	pg := &pageData{Mode: mode, Lang: lang, Title: title, APIKey: h.cfg.APIKey,
		AdminURL: "https://admin.shopify.com/", Extra: map[string]any{}, FieldErrors: map[string]string{}}
	if mode == modeEmbedded {
		pg.Static = "/app/static"
	} else {
		pg.Static = "/console/static"
	}
	if p != nil {
		pg.CSRF = p.CSRF
		pg.LoggedIn = p.Mode == webauth.Standalone
		pg.Operator = p.Operator && p.Mode == webauth.Standalone
	}
	return pg
}

// addError records a failed field for the summary and its inline message.
func (pg *pageData) addError(field, text string) {
	href := "#"
	if field != "" {
		href += fieldID(field)
		pg.FieldErrors[field] = text
	} else {
		href = ""
	}
	pg.Errors = append(pg.Errors, summaryItem{Href: href, Text: text})
}

// render writes a whole page: the page template's body inside the layout.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, pg *pageData, name string) {
	t, err := h.templates(pg)
	if err != nil {
		h.log.Error("ui: templates", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var body bytes.Buffer
	if err := t.ExecuteTemplate(&body, "page:"+name, pg); err != nil {
		h.log.Error("ui: render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var out bytes.Buffer
	if err := t.ExecuteTemplate(&out, "layout", map[string]any{"Page": pg, "Body": template.HTML(body.String())}); err != nil {
		h.log.Error("ui: render layout", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Language", pg.Lang)
	w.Header().Set("Vary", "Accept-Language")
	w.WriteHeader(status)
	_, _ = w.Write(out.Bytes())
}

// fragment writes one named template alone (the live regions' poll answers).
func (h *handler) fragment(w http.ResponseWriter, pg *pageData, name string) {
	t, err := h.templates(pg)
	if err == nil {
		var b bytes.Buffer
		if err = t.ExecuteTemplate(&b, name, pg); err == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write(b.Bytes())
			return
		}
	}
	h.log.Error("ui: render fragment", "name", name, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

func (h *handler) templates(pg *pageData) (*template.Template, error) {
	t, err := h.sets[pg.Mode].Clone()
	if err != nil {
		return nil, err
	}
	l := h.cat.localizer(pg.Lang, pg.Currency)
	if pg.TimeZone != "" {
		if z, err := time.LoadLocation(pg.TimeZone); err == nil {
			l.zone = z
		}
	}
	return t.Funcs(templateFuncs(l)), nil
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request, p *webauth.Principal, mode string) {
	lang := "en"
	if p != nil {
		lang = chooseLang(p.Locale, r)
	} else {
		lang = chooseLang("", r)
	}
	pg := h.newPage(mode, lang, p, h.cat.localizer(lang, "").T("ui.error.not_found.title"))
	h.render(w, r, http.StatusNotFound, pg, "notfound")
}

// fail answers an unexpected error without its details (they are logged).
func (h *handler) fail(w http.ResponseWriter, r *http.Request, p *webauth.Principal, mode string, err error) {
	h.log.Error("ui: request failed", "path", r.URL.Path, "err", err)
	lang := "en"
	if p != nil {
		lang = chooseLang(p.Locale, r)
	}
	pg := h.newPage(mode, lang, p, h.cat.localizer(lang, "").T("ui.error.failed.title"))
	h.render(w, r, http.StatusInternalServerError, pg, "failed")
}

// fieldID is the HTML id of a form field, from its name.
func fieldID(name string) string {
	return "f-" + strings.NewReplacer(".", "-", ":", "-", "_", "-", " ", "-").Replace(name)
}
