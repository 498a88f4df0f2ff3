package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"futurebot/answers"
	"futurebot/api"
	"futurebot/corpus"
	"futurebot/library"
)

// builtIn opens the built-in corpus's library in a fresh data directory.
func builtIn(tb testing.TB) *library.Library {
	tb.Helper()
	lib, err := library.Open(context.Background(), library.Options{DataDir: tb.TempDir(), MaxFailed: 0.2})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lib.Close() })
	return lib
}

func get(t *testing.T, srv *httptest.Server, path string) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("GET %s: body is not JSON: %v", path, err)
	}
	return resp, body
}

// TestAskAndLookup: the API answers as the engine does, with the JSON of
// `ask --json`, and refuses bad requests with a reason.
func TestAskAndLookup(t *testing.T) {
	lib := builtIn(t)
	srv := httptest.NewServer(api.Handler(lib, 0, nil))
	defer srv.Close()
	ctx := context.Background()
	const q = "Who are the Six Little Dragons?"

	direct, err := lib.Ask(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, srv, "/api/ask?"+url.Values{"q": {q}}.Encode())
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("ask: HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if body["answer"] != direct.Text || body["answered"] != true || len(body["citations"].([]any)) != len(direct.Citations) {
		t.Errorf("ask: %v, want the engine's answer %q", body, direct.Text)
	}
	for _, key := range []string{"question", "answered", "answer", "highlights", "confidence", "type", "entities", "citations", "suggestions", "took_ms"} {
		if _, ok := body[key]; !ok {
			t.Errorf("ask: no %q in %v", key, body)
		}
	}

	client := &api.Client{Base: srv.URL, HTTP: srv.Client()}
	got, err := client.Ask(ctx, q)
	if err != nil || got.Answer != direct.Text || got.Citations[0].Title != direct.Citations[0].Title {
		t.Errorf("client: %+v, %v", got, err)
	}
	card, err := client.Lookup(ctx, corpus.Company, "unitree")
	if err != nil || card.Entity.Name != "Unitree" || len(card.Facts) == 0 {
		t.Errorf("lookup: %+v, %v", card, err)
	}
	if _, err := client.Lookup(ctx, corpus.Company, "no such firm"); !errors.Is(err, answers.ErrUnknownEntity) {
		t.Errorf("lookup of an unknown company: %v, want ErrUnknownEntity", err)
	}

	for path, status := range map[string]int{
		"/api/ask":       http.StatusBadRequest,
		"/api/ask?q=+++": http.StatusBadRequest,
		"/api/ask?q=" + strings.Repeat("a", 3000):  http.StatusRequestEntityTooLarge,
		"/api/lookup?kind=planet&name=mars":        http.StatusBadRequest,
		"/api/lookup?kind=company&name=nobody+inc": http.StatusNotFound,
	} {
		resp, body := get(t, srv, path)
		if resp.StatusCode != status || body["error"] == "" {
			t.Errorf("GET %s: HTTP %d %v, want %d with a reason", path[:min(len(path), 40)], resp.StatusCode, body, status)
		}
	}
	resp, err = srv.Client().Post(srv.URL+"/api/ask?q=hi", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: HTTP %d, want 405", resp.StatusCode)
	}
}

// TestRateLimit: a client over its questions a minute is told to wait.
func TestRateLimit(t *testing.T) {
	srv := httptest.NewServer(api.Handler(builtIn(t), 2, nil))
	defer srv.Close()
	for i := range 2 {
		if resp, _ := get(t, srv, "/api/ask?q=what+is+BCI"); resp.StatusCode != http.StatusOK {
			t.Fatalf("question %d: HTTP %d", i+1, resp.StatusCode)
		}
	}
	resp, body := get(t, srv, "/api/ask?q=what+is+BCI")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body["error"].(string), "try again") {
		t.Errorf("third question: HTTP %d, Retry-After %q, %v", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

// BenchmarkAsk compares answering through the API with asking the
// library directly (the API's cost is the difference).
func BenchmarkAsk(b *testing.B) {
	lib := builtIn(b)
	ctx := context.Background()
	const q = "When did MIIT start posting challenges?"
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if _, err := lib.Ask(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("api", func(b *testing.B) {
		srv := httptest.NewServer(api.Handler(lib, 0, nil))
		defer srv.Close()
		client := &api.Client{Base: srv.URL, HTTP: srv.Client()}
		for b.Loop() {
			if _, err := client.Ask(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}
