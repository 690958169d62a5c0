package shopadmin

import (
	"context"
	"errors"
	"fmt"

	"github.com/shopqb/shopqb"
)

// StartRefusedError lists what stops the start (shopqb.StartRefusedError).
type StartRefusedError = shopqb.StartRefusedError

// NoPreflight is the problem of a start before the Web Connector's first visit.
const NoPreflight = shopqb.NoPreflight

// Start is the one-time start: it checks the settings and QuickBooks'
// preflight, reads and plans the shop once, sending nothing (a plan
// QuickBooks could not hold is refused now, while the modes can still
// change), and locks the start date and the modes. A refusal is a
// *StartRefusedError listing every problem, so all can be fixed in one
// pass; a second start is shopqb.ErrAlreadyStarted. `shopqb admin reset` is
// the only way back.
func (s *Service) Start(ctx context.Context, shopID int64, actor string) error {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return err
	}
	if shop.StartedAt != nil {
		return fmt.Errorf("%w on %s", shopqb.ErrAlreadyStarted, shop.StartedAt.Format("2006-01-02 15:04"))
	}
	if s.pipeline == nil {
		return errNoPipeline
	}
	var problems []shopqb.StartProblem
	pre, err := s.pipeline.PreflightProblems(ctx, shopID)
	switch {
	case errors.Is(err, shopqb.ErrNotFound):
		problems = append(problems, shopqb.NoPreflightProblem())
	case err != nil:
		return fmt.Errorf("read the preflight of %s: %w", shop.Domain, err)
	}
	problems = append(problems, pre...)
	problems = append(problems, shop.Settings.Problems()...)
	if shop.Settings.StartDate == "" {
		problems = append(problems, shopqb.NewStartProblem(shopqb.ProblemNoStartDate, shopqb.AreaStartDate,
			"choose a start date: orders processed before it are not booked"))
	}
	accounts, err := s.accounts(ctx, shopID)
	if err != nil {
		return err
	}
	for _, c := range shopqb.RequiredCategories() {
		if shop.Settings.Mapping.Account(c) == "" {
			problems = append(problems, shopqb.NewStartProblem(shopqb.ProblemUnmapped, shopqb.AreaMapping,
				fmt.Sprintf("map %s to a QuickBooks account", c), "Category", string(c)))
		}
	}
	problems = append(problems, mappingProblems(shop.Settings.Mapping, accounts, mappedCategories(shop.Settings.Mapping))...)
	if len(problems) > 0 {
		return &StartRefusedError{Problems: problems}
	}
	if err := s.pipeline.TrialRun(ctx, shopID); err != nil {
		var one *shopqb.StartProblemError
		if errors.As(err, &one) {
			return &StartRefusedError{Problems: []shopqb.StartProblem{one.Problem}, Err: err}
		}
		return &StartRefusedError{Problems: []shopqb.StartProblem{shopqb.NewStartProblem(shopqb.ProblemTrialRun, shopqb.AreaShopify,
			err.Error(), "Reason", err.Error())}, Err: err}
	}
	now := s.now()
	shop.StartedAt = &now
	if err := s.store.UpdateShop(ctx, shop); err != nil {
		return fmt.Errorf("start %s: %w", shop.Domain, err)
	}
	s.audit(ctx, shopID, actor, "started", fmt.Sprintf("start date %s, sales %s, customers %s, inventory %s, vendors %s",
		shop.Settings.StartDate, shop.Settings.SalesMode, shop.Settings.CustomersMode, shop.Settings.InventoryMode, shop.Settings.VendorsMode))
	return nil
}

// Reset archives the outbox and unlocks the settings, returning how many
// postings were archived. Nothing already in QuickBooks is posted again:
// postings planned after a reset whose key was archived are looked up in
// QuickBooks (by ExternalGUID and RefNumber, or by name) before anything is
// sent (the pipeline's Restart).
func (s *Service) Reset(ctx context.Context, shopID int64, actor string) (int, error) {
	if s.pipeline == nil {
		return 0, errNoPipeline
	}
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return 0, err
	}
	n, err := s.store.ArchivePostings(ctx, shopID, "reset "+s.now().UTC().Format("2006-01-02T15:04:05Z"))
	if err != nil {
		return 0, fmt.Errorf("archive the outbox of %s: %w", shop.Domain, err)
	}
	shop.StartedAt = nil
	if err := s.store.UpdateShop(ctx, shop); err != nil {
		return n, fmt.Errorf("unlock the settings of %s: %w", shop.Domain, err)
	}
	if err := s.pipeline.Restart(ctx, shopID); err != nil {
		return n, fmt.Errorf("prepare %s for a new start: %w", shop.Domain, err)
	}
	s.audit(ctx, shopID, actor, "reset", fmt.Sprintf("%d postings archived", n))
	return n, nil
}

// RetryFailed puts every failed posting back in the queue with a fresh
// attempt count, for after the merchant fixed the cause. A posting whose
// Shopify document did not add up (shopqb.ErrorClassDocument) has no
// request to send: it stays failed, with its reason, and one sync of the
// shop is enqueued, which plans its document again from Shopify's figures
// (booking it if they now add up).
func (s *Service) RetryFailed(ctx context.Context, shopID int64, actor string) (shopqb.Retried, error) {
	var r shopqb.Retried
	var after int64
	for {
		ps, err := s.store.ListPostings(ctx, shopqb.PostingFilter{ShopID: shopID, States: []shopqb.PostingState{shopqb.Failed}, AfterID: after, Limit: 500})
		if err != nil {
			return r, fmt.Errorf("list failed postings: %w", err)
		}
		if len(ps) == 0 {
			break
		}
		after = ps[len(ps)-1].ID
		var queue []*shopqb.Posting
		for _, p := range ps {
			if p.ErrorClass == shopqb.ErrorClassDocument {
				r.Rechecked++
			} else {
				queue = append(queue, p)
			}
		}
		if len(queue) == 0 {
			continue
		}
		s.requeue(queue)
		if err := s.store.UpdatePostings(ctx, queue); err != nil {
			return r, fmt.Errorf("queue failed postings again: %w", err)
		}
		r.Queued += len(queue)
	}
	if r.Rechecked > 0 {
		if err := s.recheck(ctx, shopID); err != nil {
			return r, err
		}
	}
	s.audit(ctx, shopID, actor, "retry_failed", r.String())
	return r, nil
}

// recheck enqueues the sync that plans failed documents again.
func (s *Service) recheck(ctx context.Context, shopID int64) error {
	if s.enqueue == nil {
		return shopqb.Errorf(shopqb.EUnavailable, "this server cannot ask for a sync, so documents that did not add up are checked again at the next scheduled sync")
	}
	if err := s.enqueue(ctx, shopID); err != nil {
		return fmt.Errorf("ask for a sync to check failed documents again: %w", err)
	}
	return nil
}

// RetryPosting puts one failed posting of the shop back in the queue. A
// posting of another shop is not found; one that has not failed is
// shopqb.EConflict (it is queued, in flight or done already).
func (s *Service) RetryPosting(ctx context.Context, shopID, postingID int64, actor string) error {
	ps, err := s.store.PostingsByID(ctx, shopID, []int64{postingID})
	if err != nil {
		return fmt.Errorf("load posting %d: %w", postingID, err)
	}
	if len(ps) == 0 || ps[0].ShopID != shopID {
		return &shopqb.Error{Code: shopqb.ENotFound, Message: fmt.Sprintf("no posting %d in this shop", postingID), Err: shopqb.ErrNotFound}
	}
	p := ps[0]
	if p.State != shopqb.Failed {
		return shopqb.Errorf(shopqb.EConflict, "posting %d (%s) is %s, not failed: nothing to retry", p.ID, p.Key, p.State)
	}
	if p.ErrorClass == shopqb.ErrorClassDocument {
		// No request to send: re-check its document (RetryFailed).
		if err := s.recheck(ctx, shopID); err != nil {
			return err
		}
		s.audit(ctx, shopID, actor, "retry_posting", p.Key+" (re-checked against Shopify)")
		return nil
	}
	s.requeue(ps)
	if err := s.store.UpdatePostings(ctx, ps); err != nil {
		return fmt.Errorf("queue posting %d again: %w", postingID, err)
	}
	s.audit(ctx, shopID, actor, "retry_posting", p.Key)
	return nil
}

func (s *Service) requeue(ps []*shopqb.Posting) {
	now := s.now()
	for _, p := range ps {
		p.State, p.Attempts, p.NextAttempt = shopqb.Planned, 0, now
	}
}
