package shopify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/testenv"
)

// BenchmarkBulkOrdersFile is shopqb's own work per order of a back-fill's
// bulk file, Shopify's time apart: the join of its lines on disk, the
// decoding of each rebuilt order, the encoding of its snapshot, and the
// decoding of that snapshot as planning reads it (follow-up reads, which
// few orders need, are left out). It reports CPU time and allocations per
// order.
func BenchmarkBulkOrdersFile(b *testing.B) {
	const orders = 2000
	opts := shopifysim.Options{Seed: 3, Orders: orders, Days: 10, Bucket: shopifysim.BucketOptions{MaximumAvailable: 1e9, RestoreRate: 1e9}}
	opts.SchemaDir = filepath.Join(testenv.SharedDir(b), "shopify")
	opts.Shop.Domain, opts.AccessToken = "demo-store.myshopify.com", "shpat_sim"
	sim, err := shopifysim.New(opts)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	c, err := shopify.NewClient(shopify.ClientConfig{ShopDomain: "demo-store.myshopify.com", BaseURL: srv.URL, Token: shopify.StaticToken("shpat_sim")})
	if err != nil {
		b.Fatal(err)
	}
	file := bulkFile(b, c, strings.Replace(shopify.BulkQueryOrders.Query, `"SHOPQB_FILTER"`, `""`, 1))
	b.ResetTimer()
	for b.Loop() {
		n := 0
		err := shopify.RebuildBulk(bytes.NewReader(file), shopify.OrderChildField, func(root json.RawMessage) error {
			var o shopify.Order
			if err := shopify.DecodeStored(root, &o); err != nil {
				return err
			}
			body, err := json.Marshal(&o)
			if err != nil {
				return err
			}
			var planned shopify.Order
			n++
			return shopify.DecodeStored(body, &planned)
		})
		if err != nil || n != orders {
			b.Fatalf("%d orders rebuilt, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*orders), "ns/order")
}

// bulkFile runs a bulk query on the simulator and returns its JSONL.
func bulkFile(b testing.TB, c *shopify.Client, doc string) []byte {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	op, err := c.StartBulkQuery(ctx, doc)
	if err != nil {
		b.Fatal(err)
	}
	done, err := c.WaitBulk(ctx, op.ID, 10*time.Millisecond)
	if err != nil {
		b.Fatal(err)
	}
	body, err := c.DownloadBulk(ctx, done.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer body.Close()
	file, err := io.ReadAll(body)
	if err != nil {
		b.Fatal(err)
	}
	return file
}
