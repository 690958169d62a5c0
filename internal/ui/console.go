package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/webauth"
)

// shopsPerPage is the console's page size.
const shopsPerPage = 20

// shopRow is one shop of the console's list with where its setup stands.
type shopRow struct {
	shopqb.ShopRef
	Href     string
	Started  bool
	StepNum  int
	StepName setup.Step
}

// shopList is the standalone home: the shops the user may see.
func (h *handler) shopList(w http.ResponseWriter, r *http.Request) {
	p := webauth.FromContext(r.Context())
	if p == nil {
		http.Redirect(w, r, "/console/login", http.StatusSeeOther)
		return
	}
	lang := chooseLang(p.Locale, r)
	loc := h.cat.localizer(lang, "")
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	entries, total, err := h.cfg.Standalone.Shops(r.Context(), p, (page-1)*shopsPerPage, shopsPerPage)
	if err != nil {
		h.fail(w, r, p, modeStandalone, fmt.Errorf("list shops: %w", err))
		return
	}
	var rows []shopRow
	for _, e := range entries {
		// The list comes from the login's grants; the access check is
		// still the one every shop page makes.
		if ok, err := h.canSee(r.Context(), p, e.ID); err != nil || !ok {
			continue
		}
		row := shopRow{ShopRef: e, Href: fmt.Sprintf("/console/shops/%d/setup/", e.ID)}
		if prog, err := h.cfg.Wizard.Progress(r.Context(), e.ID); err == nil {
			row.Started = prog.Started != nil
			if row.Started && h.cfg.Books != nil {
				row.Href = fmt.Sprintf("/console/shops/%d/", e.ID)
			}
			row.StepName = prog.Current
			row.StepNum = stepIndex(prog.Current) + 1
		} else {
			h.log.Warn("ui: shop progress", "shop", e.ID, "err", err)
		}
		rows = append(rows, row)
	}
	pg := h.newPage(modeStandalone, lang, p, loc.T("ui.shops.title"))
	pg.View = rows
	pg.Extra["Total"] = total
	if page > 1 {
		pg.Extra["Prev"] = fmt.Sprintf("/console/?page=%d", page-1)
	}
	if page*shopsPerPage < total {
		pg.Extra["Next"] = fmt.Sprintf("/console/?page=%d", page+1)
	}
	h.render(w, r, http.StatusOK, pg, "shops")
}

func (h *handler) loginForm(w http.ResponseWriter, r *http.Request) {
	h.showLogin(w, r, http.StatusOK, "", func(pg *pageData) {
		// A one-time login link that was used or expired comes back here.
		if r.URL.Query().Get("error") == "link" {
			pg.addError("", h.cat.localizer(pg.Lang, "").T("ui.login.link_expired"))
		}
	})
}

func (h *handler) showLogin(w http.ResponseWriter, r *http.Request, status int, email string, edit func(*pageData)) {
	lang := chooseLang("", r)
	loc := h.cat.localizer(lang, "")
	tok, err := h.cfg.Standalone.LoginCSRF(w, r)
	if err != nil {
		h.fail(w, r, nil, modeStandalone, fmt.Errorf("login form token: %w", err))
		return
	}
	pg := h.newPage(modeStandalone, lang, nil, loc.T("ui.login.title"))
	pg.CSRF = tok
	pg.Extra["Email"] = email
	pg.Extra["Next"] = webauth.LocalPath(r.FormValue("next"), "/console/")
	edit(pg)
	h.render(w, r, status, pg, "login")
}

func (h *handler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	loc := h.cat.localizer(chooseLang("", r), "")
	email := strings.TrimSpace(r.PostFormValue("email"))
	err := h.cfg.Standalone.Login(w, r, email, r.PostFormValue("password"), r.PostFormValue(webauth.CSRFField))
	var rl *webauth.RateLimitError
	switch {
	case err == nil:
		http.Redirect(w, r, webauth.LocalPath(r.PostFormValue("next"), "/console/"), http.StatusSeeOther)
	case errors.Is(err, webauth.ErrBadCredentials):
		h.showLogin(w, r, http.StatusUnauthorized, email, func(pg *pageData) {
			pg.addError("password", loc.T("ui.login.bad_credentials"))
		})
	case errors.As(err, &rl):
		secs := rl.Seconds()
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		h.showLogin(w, r, http.StatusTooManyRequests, email, func(pg *pageData) {
			pg.Extra["RateLimited"] = loc.T("ui.login.rate_limited", "Count", secs)
		})
	case errors.Is(err, webauth.ErrBadCSRF):
		h.showLogin(w, r, http.StatusForbidden, email, func(pg *pageData) {
			pg.addError("", loc.T("ui.login.expired"))
		})
	default:
		h.fail(w, r, nil, modeStandalone, fmt.Errorf("login: %w", err))
	}
}

func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.cfg.Standalone.Logout(w, r); err != nil {
		h.log.Warn("ui: logout", "err", err)
	}
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
}
