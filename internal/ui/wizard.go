package ui

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/setup"
)

// stepItem is one entry of the step list at the top of every wizard page.
type stepItem struct {
	Step                   setup.Step
	Num                    int
	Label, Mark, StateText string
	State                  string // done, current, todo
	Href                   string
}

// unseenCodes are the Web Connector messages shopqb cannot see itself
// (ui.md §4): the merchant picks what their Web Connector says and reads its fix.
var unseenCodes = []string{"QBWC1039", "QBWC1085", "QBWC1048", "QBWC1012"}

func validStep(s setup.Step) bool {
	for _, x := range setup.Steps {
		if x == s {
			return true
		}
	}
	return false
}

func stepIndex(s setup.Step) int {
	for i, x := range setup.Steps {
		if x == s {
			return i
		}
	}
	return -1
}

func (h *handler) setupHome(q *req) {
	prog, err := h.cfg.Wizard.Progress(q.r.Context(), q.shopID)
	if err != nil {
		h.wizardFailed(q, err)
		return
	}
	cur := prog.Current
	if prog.Started != nil || !validStep(cur) {
		cur = setup.StepReview
	}
	http.Redirect(q.w, q.r, q.stepURL(cur), http.StatusSeeOther)
}

func (h *handler) wizardFailed(q *req, err error) {
	if errors.Is(err, shopqb.ErrNotFound) {
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	h.fail(q.w, q.r, q.p, q.mode, err)
}

// loadStep checks the step exists and may be shown now, and builds the page
// with its step list. It answers (redirect or error) and returns nil when
// the step cannot be shown.
func (h *handler) loadStep(q *req) (*pageData, *setup.Progress) {
	step := setup.Step(q.r.PathValue("step"))
	if !validStep(step) {
		h.notFound(q.w, q.r, q.p, q.mode)
		return nil, nil
	}
	prog, err := h.cfg.Wizard.Progress(q.r.Context(), q.shopID)
	if err != nil {
		h.wizardFailed(q, err)
		return nil, nil
	}
	// A started shop has only its read-only review; a step an earlier one
	// blocks sends the merchant to the first unfinished step.
	if prog.Started != nil && step != setup.StepReview {
		http.Redirect(q.w, q.r, q.stepURL(setup.StepReview), http.StatusSeeOther)
		return nil, nil
	}
	if prog.Started == nil {
		for _, st := range prog.Steps {
			if st.Step == step && !st.Reachable {
				http.Redirect(q.w, q.r, q.stepURL(prog.Current), http.StatusSeeOther)
				return nil, nil
			}
		}
	}
	loc := h.cat.localizer(q.lang, "")
	pg := h.newPage(q.mode, q.lang, q.p, loc.T("ui.step."+string(step)+".title"))
	pg.Base, pg.Step = q.base, step
	pg.Subtitle = loc.T("ui.wizard.step_of", "Num", stepIndex(step)+1, "Total", len(setup.Steps))
	for i, st := range prog.Steps {
		it := stepItem{Step: st.Step, Num: i + 1, Label: loc.T("ui.step." + string(st.Step) + ".short")}
		switch {
		case st.Step == step:
			it.State, it.Mark, it.StateText = "current", "●", loc.T("ui.steps.current")
		case st.Passed:
			it.State, it.Mark, it.StateText = "done", "✓", loc.T("ui.steps.done")
		default:
			it.State, it.Mark, it.StateText = "todo", "○", loc.T("ui.steps.todo")
		}
		if (st.Reachable || st.Passed) && prog.Started == nil {
			it.Href = q.stepURL(st.Step)
		}
		pg.Steps = append(pg.Steps, it)
	}
	if i := stepIndex(step); i > 0 && prog.Started == nil {
		pg.Extra["Back"] = q.stepURL(setup.Steps[i-1])
	}
	return pg, prog
}

func (h *handler) stepGet(q *req) {
	pg, _ := h.loadStep(q)
	if pg == nil {
		return
	}
	if pg.Step == setup.StepConnect {
		code := q.r.URL.Query().Get("code")
		for _, c := range unseenCodes {
			if c == code {
				pg.Extra["Code"] = c
			}
		}
	}
	h.showStep(q, pg, http.StatusOK)
}

// showStep loads the step's view from the wizard (unless a submit already
// returned it) and renders the page.
func (h *handler) showStep(q *req, pg *pageData, status int) {
	ctx, w := q.r.Context(), h.cfg.Wizard
	if pg.View == nil {
		var v any
		var err error
		switch pg.Step {
		case setup.StepBefore:
			v, err = w.Before(ctx, q.shopID)
		case setup.StepConnect:
			v, err = w.Connect(ctx, q.shopID)
		case setup.StepTax:
			v, err = w.Tax(ctx, q.shopID)
		case setup.StepMapping:
			v, err = w.Mapping(ctx, q.shopID)
		case setup.StepSchedule:
			v, err = w.Schedule(ctx, q.shopID)
		case setup.StepModes:
			v, err = w.Modes(ctx, q.shopID)
		case setup.StepPurchasing:
			v, err = w.Purchasing(ctx, q.shopID)
		case setup.StepReview:
			v, err = w.Review(ctx, q.shopID)
		}
		if err != nil {
			h.wizardFailed(q, err)
			return
		}
		pg.View = v
	}
	switch v := pg.View.(type) {
	case *setup.BeforeView:
		if v.Facts != nil {
			pg.Currency, pg.TimeZone = v.Facts.Currency, v.Facts.TimeZone
			if v.Facts.Domain != "" {
				pg.AdminURL = adminURL(v.Facts.Domain)
			}
		}
	case *setup.ScheduleView:
		pg.TimeZone = v.TimeZone
	case *setup.ReviewView:
		// A started shop's home is its dashboard, when this server has one.
		if v.Started != nil && h.cfg.Books != nil {
			pg.Extra["Dashboard"] = true
		}
		if v.Shop != nil {
			pg.Currency, pg.TimeZone = v.Shop.Currency, v.Shop.TimeZone
			pg.AdminURL = adminURL(v.Shop.Domain)
		}
	}
	h.render(q.w, q.r, status, pg, "step:"+string(pg.Step))
}

// adminURL is the shop's Shopify admin, for the "Back to Shopify admin" link.
func adminURL(domain string) string {
	if store, ok := strings.CutSuffix(domain, ".myshopify.com"); ok && store != "" {
		return "https://admin.shopify.com/store/" + store
	}
	return "https://admin.shopify.com/"
}

func (h *handler) next(q *req, step setup.Step) {
	i := stepIndex(step)
	to := setup.StepReview
	if i >= 0 && i+1 < len(setup.Steps) {
		to = setup.Steps[i+1]
	}
	http.Redirect(q.w, q.r, q.stepURL(to), http.StatusSeeOther)
}

func (h *handler) stepPost(q *req) {
	pg, _ := h.loadStep(q)
	if pg == nil {
		return
	}
	r := q.r
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			http.Error(q.w, "the upload could not be read", http.StatusBadRequest)
			return
		}
	} else if err := r.ParseForm(); err != nil {
		http.Error(q.w, "the form could not be read", http.StatusBadRequest)
		return
	}
	ctx, wz, actor := r.Context(), h.cfg.Wizard, q.p.Actor
	loc := h.cat.localizer(q.lang, "")
	action := r.PostFormValue("action")
	failed := func(err error) bool {
		if err != nil {
			h.wizardFailed(q, err)
			return true
		}
		return false
	}
	addFieldErrors := func(fes []setup.FieldError) {
		for _, fe := range fes {
			pg.addError(fe.Field, loc.Msg(fe.Msg))
		}
	}
	switch pg.Step {
	case setup.StepBefore:
		if r.PostFormValue("acknowledge") == "" {
			pg.addError("acknowledge", loc.T("ui.before.ack_required"))
			h.showStep(q, pg, http.StatusUnprocessableEntity)
			return
		}
		if failed(wz.AcknowledgeBefore(ctx, q.shopID, actor)) {
			return
		}
		h.next(q, pg.Step)

	case setup.StepConnect:
		switch action {
		case "token":
			tok, err := wz.NewAppToken(ctx, q.shopID, actor)
			if failed(err) {
				return
			}
			// The token is in this answer only: not in a redirect, a log or a cache.
			pg.Extra["Token"] = tok
			h.showStep(q, pg, http.StatusOK)
		default:
			v, err := wz.Connect(ctx, q.shopID)
			if failed(err) {
				return
			}
			if v.State == setup.ConnConnected {
				h.next(q, pg.Step)
				return
			}
			pg.View = v
			pg.addError("", loc.T("ui.connect.not_connected", "Status", loc.Msg(v.Status)))
			h.showStep(q, pg, http.StatusUnprocessableEntity)
		}

	case setup.StepTax:
		switch action {
		case "recheck":
			if failed(wz.RecheckQuickBooks(ctx, q.shopID, actor)) {
				return
			}
			http.Redirect(q.w, r, q.stepURL(pg.Step), http.StatusSeeOther)
		default:
			v, err := wz.Tax(ctx, q.shopID)
			if failed(err) {
				return
			}
			if v.Passed {
				h.next(q, pg.Step)
				return
			}
			pg.View = v
			for _, c := range v.Checks {
				if !c.Passed && !c.Warning {
					m := c.Label
					pg.Errors = append(pg.Errors, summaryItem{Href: "#check-" + c.ID, Msg: &m})
				}
			}
			h.showStep(q, pg, http.StatusUnprocessableEntity)
		}

	case setup.StepMapping:
		choices := map[shopqb.Category]string{}
		for k, vs := range r.PostForm {
			if cat, ok := strings.CutPrefix(k, "mapping."); ok && len(vs) > 0 {
				choices[shopqb.Category(cat)] = vs[0]
			}
		}
		v, err := wz.SaveMapping(ctx, q.shopID, actor, choices)
		if failed(err) {
			return
		}
		bad := false
		for _, row := range v.Rows {
			if row.Error != nil {
				bad = true
				pg.addError("mapping."+string(row.Category), loc.Msg(row.Label)+": "+loc.Msg(row.Error))
			}
		}
		if !bad && v.Passed {
			h.next(q, pg.Step)
			return
		}
		pg.View = v
		h.showStep(q, pg, http.StatusUnprocessableEntity)

	case setup.StepSchedule:
		manual := r.PostFormValue("schedule") == "manual"
		v, fes, err := wz.SaveSchedule(ctx, q.shopID, actor, manual, strings.TrimSpace(r.PostFormValue("time")))
		if failed(err) {
			return
		}
		if len(fes) == 0 && v.Passed {
			h.next(q, pg.Step)
			return
		}
		pg.View = v
		addFieldErrors(fes)
		h.showStep(q, pg, http.StatusUnprocessableEntity)

	case setup.StepModes:
		modes := map[string]shopqb.Mode{}
		for _, name := range []string{"sales", "customers", "inventory", "vendors"} {
			if val := r.PostFormValue("mode." + name); val != "" {
				modes[name] = shopqb.Mode(val)
			}
		}
		v, fes, err := wz.SaveModes(ctx, q.shopID, actor, modes)
		if failed(err) {
			return
		}
		if len(fes) == 0 && v.Passed {
			h.next(q, pg.Step)
			return
		}
		pg.View = v
		addFieldErrors(fes)
		h.showStep(q, pg, http.StatusUnprocessableEntity)

	case setup.StepPurchasing:
		switch action {
		case "stocky":
			v, fes, err := wz.SetStockyKey(ctx, q.shopID, actor, strings.TrimSpace(r.PostFormValue("stocky_store")), strings.TrimSpace(r.PostFormValue("stocky_key")))
			if failed(err) {
				return
			}
			pg.View = v
			addFieldErrors(fes)
			h.showStep(q, pg, statusFor(fes))
		case "import":
			f, _, err := r.FormFile("stocky_export")
			if err != nil {
				pg.addError("stocky_export", loc.T("ui.purchasing.export_missing"))
				h.showStep(q, pg, http.StatusUnprocessableEntity)
				return
			}
			body, err := io.ReadAll(io.LimitReader(f, 32<<20))
			f.Close()
			if failed(err) {
				return
			}
			v, fes, err := wz.ImportStockyExport(ctx, q.shopID, actor, body)
			if failed(err) {
				return
			}
			pg.View = v
			addFieldErrors(fes)
			h.showStep(q, pg, statusFor(fes))
		case "skip":
			if failed(wz.SkipPurchasing(ctx, q.shopID, actor)) {
				return
			}
			h.next(q, pg.Step)
		default:
			v, err := wz.Purchasing(ctx, q.shopID)
			if failed(err) {
				return
			}
			if v.Passed {
				h.next(q, pg.Step)
				return
			}
			pg.View = v
			pg.addError("stocky_key", loc.T("ui.purchasing.not_done"))
			h.showStep(q, pg, http.StatusUnprocessableEntity)
		}

	case setup.StepReview:
		date := strings.TrimSpace(r.PostFormValue("start_date"))
		problems, err := wz.Start(ctx, q.shopID, actor, date)
		if err != nil {
			// A second start is refused by the wizard; the page says so
			// with the start that holds.
			v, verr := wz.Review(ctx, q.shopID)
			if verr == nil && v.Started != nil {
				pg.View = v
				pg.Extra["Refused"] = true
				h.showStep(q, pg, http.StatusConflict)
				return
			}
			h.wizardFailed(q, err)
			return
		}
		if len(problems) == 0 {
			http.Redirect(q.w, r, q.stepURL(setup.StepReview), http.StatusSeeOther)
			return
		}
		pg.Extra["Problems"] = problems
		pg.Extra["StartDate"] = date
		for _, pr := range problems {
			m := pr.Msg
			pg.Errors = append(pg.Errors, summaryItem{Href: q.stepURL(pr.Step), Msg: &m})
		}
		h.showStep(q, pg, http.StatusUnprocessableEntity)
	}
}

func statusFor(fes []setup.FieldError) int {
	if len(fes) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// qwc sends the Web Connector's .qwc file for the shop.
func (h *handler) qwc(q *req) {
	body, name, err := h.cfg.Wizard.QWC(q.r.Context(), q.shopID)
	if err != nil {
		h.wizardFailed(q, err)
		return
	}
	q.w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	q.w.Header().Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", "\\", "", "\r", "", "\n", "").Replace(name)+`"`)
	q.w.Header().Set("Cache-Control", "no-store")
	_, _ = q.w.Write(body)
}

// stepStatus answers the live region's poll: the part of the page that
// changes while the Web Connector is awaited.
func (h *handler) stepStatus(q *req) {
	step := setup.Step(q.r.PathValue("step"))
	pg := h.newPage(q.mode, q.lang, q.p, "")
	pg.Base, pg.Step = q.base, step
	var err error
	switch step {
	case setup.StepConnect:
		pg.View, err = h.cfg.Wizard.Connect(q.r.Context(), q.shopID)
	case setup.StepTax:
		pg.View, err = h.cfg.Wizard.Tax(q.r.Context(), q.shopID)
	default:
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	if err != nil {
		h.wizardFailed(q, err)
		return
	}
	h.fragment(q.w, pg, "live:"+string(step))
}
