package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestRedacted(t *testing.T) {
	const value = "shpat_live_value"
	r := Redacted(value)
	cfg := struct {
		Shop  string
		Token Redacted
		Ptr   *Redacted
	}{"acme", r, &r}

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		if out := fmt.Sprintf(verb, r); strings.Contains(out, value) || strings.Contains(out, fmt.Sprintf("%x", value)) {
			t.Errorf("%s leaks: %s", verb, out)
		}
		if out := fmt.Sprintf(verb, cfg); strings.Contains(out, value) {
			t.Errorf("%s on a struct leaks: %s", verb, out)
		}
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), value) || !strings.Contains(string(js), `"Token":"[redacted]"`) {
		t.Fatalf("JSON: %s", js)
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("config", "token", r, "cfg", cfg)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", slog.Any("token", r))
	if strings.Contains(buf.String(), value) || !strings.Contains(buf.String(), "[redacted]") {
		t.Fatalf("slog: %s", buf.String())
	}

	var back struct{ Token Redacted }
	if err := json.Unmarshal([]byte(`{"Token":"from-config"}`), &back); err != nil || back.Token.Reveal() != "from-config" {
		t.Fatalf("unmarshal: %v %q", err, string(back.Token))
	}
	if r.Reveal() != value {
		t.Fatal("Reveal lost the value")
	}
}
