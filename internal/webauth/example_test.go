package webauth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/webauth"
)

type shops map[string]*shopqb.Shop

func (s shops) ShopByDomain(_ context.Context, d string) (*shopqb.Shop, error) {
	if shop, ok := s[d]; ok {
		return shop, nil
	}
	return nil, shopqb.ErrNotFound
}

// Mounting the embedded tree: Require authenticates every /app request
// with the session token App Bridge sends, serves the bounce page, and hands
// the page a Principal for the token's shop. The standalone tree mounts the
// same way: mux.Handle("/console/", standalone.Require(pages)), with the
// login page behind standalone.Public.
func ExampleNewEmbedded() {
	emb, err := webauth.NewEmbedded(webauth.EmbeddedConfig{
		ClientID: "my-client-id", ClientSecret: "my-client-secret",
		Shops: shops{"kim.myshopify.com": {ID: 7, Domain: "kim.myshopify.com"}},
	})
	if err != nil {
		panic(err)
	}
	pages := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := webauth.FromContext(r.Context())
		fmt.Fprintf(w, "shop %d for %s", p.ShopID, p.Actor)
	})
	mux := http.NewServeMux()
	mux.Handle("/app/", emb.Require(pages))

	// What App Bridge sends: a one-minute HS256 token signed with the client secret.
	now := time.Now()
	token, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "https://kim.myshopify.com/admin", "dest": "https://kim.myshopify.com", "aud": "my-client-id",
		"sub": "42", "exp": now.Add(time.Minute).Unix(), "nbf": now.Unix(),
	}).SignedString([]byte("my-client-secret"))

	for _, auth := range []string{"Bearer " + token, "Bearer forged", ""} {
		req := httptest.NewRequest("GET", "/app/setup", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("Content-Security-Policy"), rec.Header().Get("Location"), rec.Body.String())
	}
	// Output:
	// 200 frame-ancestors https://kim.myshopify.com https://admin.shopify.com;  shop 7 for shopify-user:42@kim.myshopify.com
	// 401   Unauthorized: invalid session token.
	//
	// 302  /app/auth/session-token?shopify-reload=%2Fapp%2Fsetup <a href="/app/auth/session-token?shopify-reload=%2Fapp%2Fsetup">Found</a>.
}
