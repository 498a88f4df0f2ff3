package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"futurebot/bot"
	"futurebot/bot/discordtest"
	"futurebot/feeds"
	"futurebot/fetch"
	"futurebot/internal/testcorpus"
	"futurebot/library"
)

// TestFeedsEndToEnd: an article that arrives by a feed, and a page an
// admin adds with /ingest url:, are answered from through the fake Discord
// with the real bot, library, fetcher and index.
func TestFeedsEndToEnd(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	site := httptest.NewServer(mux)
	defer site.Close()
	articles := map[string]string{
		"/news/tidal": "Tidal stations in the bay now produce 240 megawatts of power, the grid operator said.",
		"/news/ferry": "The new electric ferry crosses the strait in 35 minutes, carrying 400 passengers.",
		"/news/wind":  "Offshore wind farms along the coast added 12 turbines this autumn.",
	}
	for path, text := range articles {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<html><head><title>%s</title><meta property="og:site_name" content="Coast News">
<meta property="article:published_time" content="2026-11-20T07:00:00Z"></head><body><article><h1>%s</h1><p>%s</p><p>%s</p></article></body></html>`,
				path[6:], path[6:], text, strings.Repeat("More on the coast's energy and transport plans follows. ", 5))
		})
	}
	mux.HandleFunc("/more.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"version":"https://jsonfeed.org/version/1.1","title":"More","items":[{"id":"m1","url":"%s/news/wind"}]}`, site.URL)
	})
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Coast</title><item><title>Tidal</title>
<link>%s/news/tidal</link><guid>tidal-1</guid></item></channel></rss>`, site.URL)
	})

	corpusDir, dataDir := t.TempDir(), t.TempDir()
	testcorpus.Harbour(t, corpusDir, 30, "alpha")
	if err := os.WriteFile(filepath.Join(corpusDir, "feeds.yaml"), []byte("- url: "+site.URL+"/feed.xml\n  name: Coast News\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := library.Start(context.Background(), library.Options{DataDir: dataDir, CorpusDir: corpusDir, MaxFailed: 0.2,
		Log: quietLog, Fetch: fetch.New(fetch.Options{AllowPrivate: true}), FeedInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()

	fake := discordtest.New(t)
	client, _ := bot.NewHTTPClient(fake.URL())
	b, err := bot.New(bot.Config{Token: "feeds-test-token", HTTPClient: client, GuildID: "300000000000000001", Admin: lib},
		lib, lib.Info, quietLog, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() { cancel(); <-done }()
	<-b.Registered()
	fake.Wait(10*time.Second, func() bool { _, _, hb := fake.Counts(); return hb > 0 })

	// The feed is polled at start; its article is answered once reindexed.
	answersFrom := func(q, want string) bool {
		return fake.Wait(60*time.Second, func() bool {
			a, err := lib.Ask(context.Background(), q)
			return err == nil && a.Answered && strings.Contains(a.Text, want)
		})
	}
	if !answersFrom("How many megawatts do the tidal stations produce?", "240 megawatts") {
		t.Fatalf("the feed's article is not answered; feeds: %+v", lib.Feeds())
	}
	ask := func(id, q string) string {
		fake.Dispatch(t, "INTERACTION_CREATE", fake.Interaction(id, 2, "400000000000000001",
			discordtest.Command("ask", discordtest.Option("question", q, false)), nil))
		r := fake.WaitRequest(t, 10*time.Second, "reply to "+id, func(r discordtest.Request) bool {
			return strings.HasPrefix(r.Path, "/interactions/"+id+"/")
		})
		raw, _ := json.Marshal(json.RawMessage(r.Body))
		return string(raw)
	}
	if got := ask("750000000000000001", "How many megawatts do the tidal stations produce?"); !strings.Contains(got, "240 **megawatts**") ||
		!strings.Contains(got, "Coast News") || !strings.Contains(got, "2026-11-20") {
		t.Errorf("/ask about the feed's article: %s", got)
	}
	if fs := lib.Feeds(); len(fs) != 1 || fs[0].LastNew.IsZero() || fs[0].LastError != "" {
		t.Errorf("feed status: %+v", fs)
	}

	// /ingest url: adds a page by its address and says what it saved.
	fake.Dispatch(t, "INTERACTION_CREATE", discordtest.AdminMember(fake.Interaction("750000000000000002", 2, "400000000000000001",
		discordtest.Command("ingest", discordtest.Option("url", site.URL+"/news/ferry", false)), nil)))
	if !fake.Wait(30*time.Second, func() bool {
		for _, r := range fake.Requests() {
			if strings.Contains(r.Path, "750000000000000002") && strings.Contains(string(r.Body), "Added **ferry**") &&
				strings.Contains(string(r.Body), "2026-11-20") {
				return true
			}
		}
		return false
	}) {
		t.Error("/ingest url: did not say what it added")
	}
	if !answersFrom("How long does the electric ferry take to cross the strait?", "35 minutes") {
		a, err := lib.Ask(context.Background(), "How long does the electric ferry take to cross the strait?")
		t.Errorf("the page added by url is not answered: %+v %v", a, err)
	}
	// A page the fetcher refuses is reported, and nothing is written.
	fake.Dispatch(t, "INTERACTION_CREATE", discordtest.AdminMember(fake.Interaction("750000000000000003", 2, "400000000000000001",
		discordtest.Command("ingest", discordtest.Option("url", "file:///etc/passwd", false)), nil)))
	r := fake.WaitRequest(t, 10*time.Second, "refusal", func(r discordtest.Request) bool {
		return strings.Contains(r.Path, "750000000000000003")
	})
	if !strings.Contains(string(r.Body), "Nothing was written") {
		t.Errorf("/ingest url:file:///etc/passwd: %s", r.Body)
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "ingested", "*.md"))
	if len(files) != 2 {
		t.Errorf("ingested files %v, want the feed's article and the added page", files)
	}

	// /feeds: a member may not; an admin adds a feed, which is polled at
	// once, lists the feeds with their polling, and removes one.
	feedsCmd := func(id string, admin bool, opts ...map[string]any) string {
		i := fake.Interaction(id, 2, "400000000000000001", discordtest.Command("feeds", opts...), nil)
		if admin {
			i = discordtest.AdminMember(i)
		}
		fake.Dispatch(t, "INTERACTION_CREATE", i)
		r := fake.WaitRequest(t, 10*time.Second, "reply to "+id, func(r discordtest.Request) bool {
			return strings.HasPrefix(r.Path, "/interactions/"+id+"/") || strings.Contains(r.Path, "/tok-"+id+"/")
		})
		return string(r.Body)
	}
	if got := feedsCmd("750000000000000004", false); !strings.Contains(got, "Manage Server") {
		t.Errorf("/feeds by a member: %s", got)
	}
	if got := feedsCmd("750000000000000005", true, discordtest.Option("add", site.URL+"/more.xml", false),
		discordtest.Option("name", "More Coast", false)); !strings.Contains(got, "Added the feed **More Coast**") {
		t.Errorf("/feeds add: %s", got)
	}
	if !answersFrom("How many turbines did the offshore wind farms add?", "12 turbines") {
		t.Error("the new feed's article is not answered")
	}
	if got := feedsCmd("750000000000000006", true); !strings.Contains(got, "Coast News") || !strings.Contains(got, "More Coast") ||
		strings.Contains(got, "last new never") {
		t.Errorf("/feeds: %s", got)
	}
	fake.Dispatch(t, "INTERACTION_CREATE", fake.Interaction("750000000000000007", 2, "400000000000000001", discordtest.Command("sources"), nil))
	if r := fake.WaitRequest(t, 10*time.Second, "/sources", func(r discordtest.Request) bool {
		return strings.Contains(r.Path, "750000000000000007")
	}); !strings.Contains(string(r.Body), "News feeds") || strings.Contains(string(r.Body), site.URL) {
		t.Errorf("/sources shows no feeds, or their addresses: %s", r.Body)
	}
	if h := b.Health(); len(h.Feeds) != 2 || h.Feeds[0].LastPoll == nil || h.Feeds[0].Failing {
		t.Errorf("/healthz feeds: %+v", h.Feeds)
	}
	if got := feedsCmd("750000000000000008", true, discordtest.Option("remove", site.URL+"/more.xml", false)); !strings.Contains(got, "Removed the feed **More Coast**") {
		t.Errorf("/feeds remove: %s", got)
	}
	if fs := lib.Feeds(); len(fs) != 1 {
		t.Errorf("after removing: %+v", fs)
	}
}

// TestAddAndPollCommands: futurebot add saves a page (and refreshes it the
// second time), refuses a private address without FETCH_ALLOW_PRIVATE, and
// futurebot poll saves a feed's new items once.
func TestAddAndPollCommands(t *testing.T) {
	mux := http.NewServeMux()
	site := httptest.NewServer(mux)
	defer site.Close()
	mux.HandleFunc("/news/port", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><title>Port expands</title></head><body><article><h1>Port expands</h1><p>`+
			strings.Repeat("The port added four berths for container ships this year. ", 4)+`</p></article></body></html>`)
	})
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>P</title><item><link>%s/news/port</link><guid>p1</guid></item></channel></rss>`, site.URL)
	})
	dir := t.TempDir()
	corpusDir, dataDir := filepath.Join(dir, "corpus"), filepath.Join(dir, "data")
	os.MkdirAll(corpusDir, 0o755)
	allow := map[string]string{"FETCH_ALLOW_PRIVATE": "true"}

	out, stderr, code := run(t, dir, allow, "", "add", "--corpus", corpusDir, site.URL+"/news/port")
	if code != 0 || !strings.Contains(out, `Added "Port expands"`) || !strings.Contains(out, "undated") {
		t.Fatalf("add: exit %d\n%s%s", code, out, stderr)
	}
	if out, _, code := run(t, dir, allow, "", "add", "--corpus", corpusDir, site.URL+"/news/port"); code != 0 || !strings.Contains(out, "Refreshed") {
		t.Errorf("add again: exit %d\n%s", code, out)
	}
	if _, stderr, code := run(t, dir, nil, "", "add", "--corpus", corpusDir, site.URL+"/news/port"); code == 0 || !strings.Contains(stderr, "private") {
		t.Errorf("add from a private address without FETCH_ALLOW_PRIVATE: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := run(t, dir, nil, "", "add", site.URL+"/news/port"); code == 0 || !strings.Contains(stderr, "corpus directory") {
		t.Errorf("add without a corpus: exit %d\n%s", code, stderr)
	}

	os.WriteFile(filepath.Join(corpusDir, "feeds.yaml"), []byte("- url: "+site.URL+"/feed.xml\n  name: Port feed\n"), 0o644)
	os.RemoveAll(filepath.Join(corpusDir, "ingested"))
	out, stderr, code = run(t, dir, allow, "", "poll", "--corpus", corpusDir, "--data", dataDir)
	if code != 0 || !strings.Contains(out, "Port feed: 1 new page") {
		t.Fatalf("poll: exit %d\n%s%s", code, out, stderr)
	}
	if out, _, _ := run(t, dir, allow, "", "poll", "--corpus", corpusDir, "--data", dataDir); !strings.Contains(out, "Port feed: 0 new pages") {
		t.Errorf("second poll:\n%s", out)
	}
	// While the bot polls the same feeds, a poll from cron says so and
	// writes nothing.
	unlock, err := feeds.Lock(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	state, _ := os.ReadFile(filepath.Join(dataDir, feeds.StateFile))
	if _, stderr, code := run(t, dir, allow, "", "poll", "--corpus", corpusDir, "--data", dataDir); code == 0 || !strings.Contains(stderr, "being polled by another futurebot process (pid") {
		t.Errorf("a poll while another runs: exit %d, %s", code, stderr)
	}
	if now, _ := os.ReadFile(filepath.Join(dataDir, feeds.StateFile)); !bytes.Equal(now, state) {
		t.Error("a refused poll changed the feeds' state")
	}
	unlock()
	if out, stderr, code := run(t, dir, allow, "", "check", "--corpus", corpusDir); code != 0 || strings.Contains(out+stderr, "feeds.yaml") {
		t.Errorf("check reads feeds.yaml as a document: exit %d\n%s%s", code, out, stderr)
	}
}
