package bot_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"futurebot/bot"
	"futurebot/bot/discordtest"
	"futurebot/service"
)

type signer struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func (s signer) post(t *testing.T, url string, body []byte, ts time.Time, mutate func(*http.Request)) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req.Header.Set("X-Signature-Timestamp", stamp)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(s.priv, append([]byte(stamp), body...))))
	if mutate != nil {
		mutate(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

// startHTTPBot serves the HTTP interactions endpoint of a bot with no token
// (edits go to a fake Discord) whose answers take at least delay. It returns
// a signer holding the application's key pair, the fake and the endpoint.
func startHTTPBot(t *testing.T, deferAfter, delay time.Duration) (signer, *discordtest.Fake, string) {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	fake := discordtest.New(t)
	client, _ := bot.NewHTTPClient(fake.URL())
	e, info := sharedEngine(t)
	b, err := bot.New(bot.Config{HTTPOnly: true, HTTPClient: client, DeferAfter: deferAfter},
		&slowEngine{Engine: e, delay: delay}, func() service.IndexInfo { return info },
		slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(b.InteractionsHandler(pub))
	t.Cleanup(srv.Close)
	return signer{pub, priv}, fake, srv.URL + "/interactions"
}

// TestHTTPInteractions drives the HTTP interactions endpoint with real
// Ed25519 keys and a bot that has no token (HTTP only).
func TestHTTPInteractions(t *testing.T) {
	t.Parallel()
	sg, fake, url := startHTTPBot(t, 1500*time.Millisecond, 0)
	now := time.Now()

	code, out := sg.post(t, url, []byte(`{"id":"1","type":1,"application_id":"100000000000000001","token":"t"}`), now, nil)
	if code != 200 || out["type"] != float64(1) {
		t.Errorf("PING: %d %v, want PONG", code, out)
	}

	ask := func(id, question string) []byte {
		data, _ := json.Marshal(fake.Interaction(id, 2, "400000000000000001",
			discordtest.Command("ask", discordtest.Option("question", question, false)), nil))
		return data
	}
	code, out = sg.post(t, url, ask("500000000000000001", "Who are the Six Little Dragons? @everyone"), now, nil)
	raw, _ := json.Marshal(out)
	if code != 200 || out["type"] != float64(4) || !strings.Contains(string(raw), "Manycore") || !strings.Contains(string(raw), `"parse":[]`) {
		t.Errorf("/ask over HTTP: %d %s", code, raw)
	}

	for _, tc := range []struct {
		name   string
		body   []byte
		ts     time.Time
		mutate func(*http.Request)
		want   int
	}{
		{"forged signature", ask("500000000000000002", "What is BCI?"), now, func(r *http.Request) {
			_, other, _ := ed25519.GenerateKey(rand.Reader)
			r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(other, []byte(r.Header.Get("X-Signature-Timestamp")+"x"))))
		}, 401},
		{"body changed after signing", ask("500000000000000003", "What is BCI?"), now, func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(`{"id":"9","type":2}`))
			r.ContentLength = -1
		}, 401},
		{"stale timestamp (replay)", ask("500000000000000004", "What is BCI?"), now.Add(-10 * time.Minute), nil, 401},
		{"timestamp from the future", ask("500000000000000005", "What is BCI?"), now.Add(10 * time.Minute), nil, 401},
		{"missing signature", ask("500000000000000006", "What is BCI?"), now, func(r *http.Request) { r.Header.Del("X-Signature-Ed25519") }, 401},
		{"missing timestamp", ask("500000000000000007", "What is BCI?"), now, func(r *http.Request) { r.Header.Del("X-Signature-Timestamp") }, 401},
		{"oversized body", append(ask("500000000000000008", "x"), bytes.Repeat([]byte(" "), 70<<10)...), now, nil, 400},
		{"signed garbage", []byte("not json"), now, nil, 400},
		{"GET", nil, now, func(r *http.Request) { r.Method = "GET" }, 405},
	} {
		if code, _ := sg.post(t, url, tc.body, tc.ts, tc.mutate); code != tc.want {
			t.Errorf("%s: HTTP %d, want %d", tc.name, code, tc.want)
		}
	}

	// Autocomplete goes to the same handlers.
	ac, _ := json.Marshal(fake.Interaction("500000000000000010", 4, "400000000000000001",
		discordtest.Command("company", discordtest.Option("name", "unit", true)), nil))
	code, out = sg.post(t, url, ac, now, nil)
	raw, _ = json.Marshal(out)
	if code != 200 || out["type"] != float64(8) || !strings.Contains(string(raw), `"value":"Unitree"`) {
		t.Errorf("autocomplete over HTTP: %d %s", code, raw)
	}
}

// TestHTTPInteractionDeferred: a slow answer is deferred in the HTTP
// response and delivered by editing the original through the REST API.
func TestHTTPInteractionDeferred(t *testing.T) {
	t.Parallel()
	sg, fake, url := startHTTPBot(t, 100*time.Millisecond, 500*time.Millisecond)
	data, _ := json.Marshal(fake.Interaction("510000000000000001", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil))
	code, out := sg.post(t, url, data, time.Now(), nil)
	if code != 200 || out["type"] != float64(5) {
		t.Fatalf("slow answer: %d %v, want a deferral (type 5)", code, out)
	}
	r := fake.WaitRequest(t, wait, "edit of the original", func(r discordtest.Request) bool {
		return r.Method == "PATCH" && strings.Contains(r.Path, "/tok-510000000000000001/messages/@original")
	})
	if !strings.Contains(string(r.Body), "Brain-computer") {
		t.Errorf("edited answer: %s", r.Body)
	}
}
