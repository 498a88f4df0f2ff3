package feeds_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"futurebot/corpus"
	"futurebot/feeds"
	"futurebot/fetch"
	"futurebot/library"
)

// article is a news page with a date, or without one when date is "".
func article(title, date, text string) string {
	meta := ""
	if date != "" {
		meta = `<meta property="article:published_time" content="` + date + `T08:00:00Z">`
	}
	return `<!doctype html><html><head><title>` + title + `</title>` + meta + `<meta property="og:site_name" content="Test News"></head>
<body><article><h1>` + title + `</h1><p>` + strings.Repeat(text+" ", 4) + `</p></article></body></html>`
}

// newsSite serves feeds in the three formats and their articles: a
// redirect, an article in two feeds, an undated article, one over the size
// cap, one that never ends, a feed with an ETag, and a feed that turned
// into a web page.
func newsSite(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	var srv *httptest.Server
	page := func(path, body string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		})
	}
	page("/a/unitree", article("Unitree opens a factory", "2026-11-02", "Unitree opened a factory in Hangzhou that builds humanoid robots."))
	page("/a/deepseek", article("DeepSeek hires", "2026-11-03", "DeepSeek is hiring researchers for its next model in Hangzhou."))
	page("/a/hydrogen", article("Hydrogen storage", "", "Salt caverns can store hydrogen for months in large volumes."))
	page("/a/big", article("Big", "2026-11-04", strings.Repeat("word ", 40000)))
	mux.HandleFunc("/a/slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/a/deepseek", http.StatusFound) })
	feed := func(path, ctype string, body func() string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			fmt.Fprint(w, body())
		})
	}
	feed("/rss.xml", "application/rss+xml", func() string {
		return `<?xml version="1.0"?><rss version="2.0"><channel><title>RSS</title>
<item><title>Unitree</title><link>` + srv.URL + `/a/unitree</link><guid>g1</guid></item>
<item><title>DeepSeek</title><link>` + srv.URL + `/redirect</link><guid>g2</guid></item></channel></rss>`
	})
	feed("/atom.xml", "application/atom+xml", func() string {
		return `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<entry><title>Hydrogen</title><id>urn:h2</id><link href="` + srv.URL + `/a/hydrogen"/><updated>2026-11-05T00:00:00Z</updated></entry>
<entry><title>Unitree again</title><id>urn:u</id><link href="` + srv.URL + `/a/unitree"/><updated>2026-11-05T00:00:00Z</updated></entry></feed>`
	})
	feed("/feed.json", "application/feed+json", func() string {
		return `{"version":"https://jsonfeed.org/version/1.1","title":"JSON","items":[
{"id":"big","url":"` + srv.URL + `/a/big"},{"id":"slow","url":"` + srv.URL + `/a/slow"}]}`
	})
	mux.HandleFunc("/etag.xml", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>E</title><item><link>`+srv.URL+`/a/hydrogen</link><guid>e1</guid></item></channel></rss>`)
	})
	page("/turned.xml", `<html><body><h1>We moved our feed</h1><p>Please visit our new site.</p></body></html>`)
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// poller saves pages into corpusDir as the bot does.
func poller(f *fetch.Fetcher, corpusDir string, now *time.Time) *feeds.Poller {
	return &feeds.Poller{Fetch: f, Interval: 30 * time.Minute, Now: func() time.Time { return *now },
		Save: func(ctx context.Context, u string, meta corpus.PageMeta) (string, error) {
			s, err := library.SavePage(ctx, f, corpusDir, u, meta)
			return s.File, err
		}}
}

func TestPoll(t *testing.T) {
	srv := newsSite(t)
	corpusDir, dataDir := t.TempDir(), t.TempDir()
	list := []feeds.Feed{{URL: srv.URL + "/rss.xml", Name: "RSS", Tags: []string{"robots"}}, {URL: srv.URL + "/atom.xml", Name: "Atom"},
		{URL: srv.URL + "/feed.json", Name: "JSON"}, {URL: srv.URL + "/etag.xml", Name: "ETag"}, {URL: srv.URL + "/turned.xml", Name: "Turned"}}
	f := fetch.New(fetch.Options{AllowPrivate: true, MaxBytes: 64 << 10, Timeout: time.Second})
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	p := poller(f, corpusDir, &now)
	st, err := feeds.LoadState(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	res := p.Poll(context.Background(), list, st, false)
	saved := map[string]int{}
	for _, r := range res {
		saved[r.Feed.Name] = len(r.Saved)
	}
	if saved["RSS"] != 2 || saved["Atom"] != 1 || saved["ETag"] != 0 || saved["JSON"] != 0 {
		t.Errorf("first poll saved %v; want RSS 2 (one through a redirect), Atom 1 (its other article came by RSS), "+
			"ETag 0 (its article came by Atom), JSON 0", saved)
	}
	if r := res[2]; len(r.Failed) != 2 || !strings.Contains(r.Failed[0], "MiB") || !strings.Contains(r.Failed[0], "not retried") {
		t.Errorf("JSON feed: failed %v; want the page over the cap (not retried) and the page that never ends", r.Failed)
	}
	if r := res[4]; r.Err == nil || !strings.Contains(r.Err.Error(), "not a feed") {
		t.Errorf("a feed turned into a web page: %v", r.Err)
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "ingested", "*.md"))
	if len(files) != 3 {
		t.Fatalf("%d pages saved, want 3: %v", len(files), files)
	}
	c, probs := corpus.Load(os.DirFS(corpusDir))
	if len(probs) > 0 {
		t.Fatalf("saved pages do not load: %v", probs)
	}
	byTitle := map[string]corpus.Document{}
	for _, d := range c.Documents {
		byTitle[d.Title] = d
	}
	if d := byTitle["Hydrogen storage"]; d.Published != "" || d.Source != "Test News" {
		t.Errorf("undated page: published %q source %q", d.Published, d.Source)
	}
	if d := byTitle["DeepSeek hires"]; d.Published != "2026-11-03" || !strings.HasSuffix(d.URL, "/a/deepseek") {
		t.Errorf("redirected page: %+v", d)
	}
	if d := byTitle["Unitree opens a factory"]; len(d.Tags) != 1 || d.Tags[0] != "robots" {
		t.Errorf("the feed's tags are not on its page: %v", d.Tags)
	}
	if err := st.Save(dataDir); err != nil {
		t.Fatal(err)
	}

	// Ten minutes later: the ETag feed has not changed, nothing is new,
	// failed pages and the broken feed wait out their back-off.
	now = now.Add(10 * time.Minute)
	st, err = feeds.LoadState(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	res = p.Poll(context.Background(), list, st, false)
	for _, r := range res {
		if len(r.Saved) > 0 || len(r.Failed) > 0 || r.Err != nil {
			t.Errorf("second poll, %s: saved %v failed %v err %v", r.Feed.Name, r.Saved, r.Failed, r.Err)
		}
	}
	if !res[3].NotModified || !res[4].Skipped {
		t.Errorf("ETag feed not modified: %v; broken feed waiting: %v", res[3].NotModified, res[4].Skipped)
	}
	// After the back-off the broken feed is tried again and waits twice as long.
	now = now.Add(31 * time.Minute)
	res = p.Poll(context.Background(), list, st, false)
	if fs := st.Feeds[srv.URL+"/turned.xml"]; res[4].Err == nil || fs.Failures != 2 || !fs.NextTry.Equal(now.Add(time.Hour)) {
		t.Errorf("broken feed after its back-off: err %v, failures %d, next try %v", res[4].Err, fs.Failures, fs.NextTry)
	}
	if len(res[2].Failed) != 1 || !strings.Contains(res[2].Failed[0], "/a/slow") {
		t.Errorf("the page that failed for a while was not retried after its back-off (and only it: the one over the cap "+
			"will not change): %v", res[2].Failed)
	}
	if files2, _ := filepath.Glob(filepath.Join(corpusDir, "ingested", "*.md")); len(files2) != 3 {
		t.Errorf("failures changed the saved pages: %v", files2)
	}

	// An admin refreshes the page by its URL (/ingest url:): it keeps the
	// tags and the feed it was filed with.
	s, err := library.SavePage(context.Background(), f, corpusDir, srv.URL+"/a/unitree", corpus.PageMeta{})
	if err != nil || !s.Refreshed {
		t.Fatalf("refresh: %+v, %v", s, err)
	}
	data, _ := os.ReadFile(filepath.Join(corpusDir, filepath.FromSlash(s.File)))
	if was, err := corpus.SavedPageMeta(data); err != nil || was.Feed != "RSS" || len(was.Tags) != 1 || was.Tags[0] != "robots" {
		t.Errorf("a refreshed page lost what it was filed with: %+v (%v)", was, err)
	}
}

// TestPollRefusesPrivateAddresses: without FETCH_ALLOW_PRIVATE a feed on
// a loopback address is refused and nothing is saved.
func TestPollRefusesPrivateAddresses(t *testing.T) {
	srv := newsSite(t)
	corpusDir := t.TempDir()
	now := time.Now()
	p := poller(fetch.New(fetch.Options{}), corpusDir, &now)
	st, _ := feeds.LoadState(t.TempDir())
	res := p.Poll(context.Background(), []feeds.Feed{{URL: srv.URL + "/rss.xml", Name: "RSS"}}, st, true)
	if len(res) != 1 || !errors.Is(res[0].Err, fetch.ErrPrivateAddress) {
		t.Fatalf("result %+v; want the private address refused", res)
	}
	if files, _ := filepath.Glob(filepath.Join(corpusDir, "ingested", "*")); len(files) != 0 {
		t.Errorf("saved %v", files)
	}
}

func TestLoadFeeds(t *testing.T) {
	dir := t.TempDir()
	yaml := `- url: https://example.com/feed.xml
  name: Example
  tags: [robots]
- url: ftp://example.com/feed
  name: Bad scheme
- url: https://example.com/feed.xml
  name: Twice
- url: https://news.example.org/rss
`
	if err := os.WriteFile(filepath.Join(dir, corpus.FeedsFile), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	list, probs := feeds.Load(dir)
	if len(list) != 2 || list[1].Name != "news.example.org" || len(probs) != 2 ||
		!strings.Contains(probs[0].Error(), "line 4") || !strings.Contains(probs[1].Error(), "twice") {
		t.Errorf("feeds %+v, problems %v", list, probs)
	}
	if err := feeds.Save(dir, list); err != nil {
		t.Fatal(err)
	}
	again, probs := feeds.Load(dir)
	if len(again) != 2 || len(probs) != 0 || again[0].Tags[0] != "robots" {
		t.Errorf("after saving: %+v %v", again, probs)
	}
	// feeds.yaml is no document of the corpus.
	if corpus.IsCorpusFile(corpus.FeedsFile) {
		t.Error("feeds.yaml is read as an FAQ file")
	}
	if _, probs := feeds.Load(t.TempDir()); probs != nil {
		t.Errorf("no feeds.yaml: %v", probs)
	}
	for _, bad := range []string{"{", "null", "url: x", "- 5"} {
		os.WriteFile(filepath.Join(dir, corpus.FeedsFile), []byte(bad), 0o644)
		if list, _ := feeds.Load(dir); len(list) != 0 {
			t.Errorf("%q gave feeds %v", bad, list)
		}
	}
	os.WriteFile(filepath.Join(dir, feeds.StateFile), []byte("null"), 0o644)
	if st, _ := feeds.LoadState(dir); st == nil || st.Feeds == nil {
		t.Error("a null state file gave no state")
	}
}

// BenchmarkPoll50 polls a feed of 50 new items, each a page to fetch,
// read and save: one iteration is one poll from scratch.
func BenchmarkPoll50(b *testing.B) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var items strings.Builder
	for i := range 50 {
		fmt.Fprintf(&items, `<item><link>%s/a/%d</link><guid>%d</guid></item>`, srv.URL, i, i)
	}
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>`+items.String()+`</channel></rss>`)
	})
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, article("Article "+r.URL.Path, "2026-11-02", strings.Repeat("Robots and hydrogen storage keep the harbour busy. ", 60)))
	})
	f := fetch.New(fetch.Options{AllowPrivate: true})
	list := []feeds.Feed{{URL: srv.URL + "/feed.xml", Name: "B"}}
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		now := time.Now()
		p := poller(f, dir, &now)
		st, _ := feeds.LoadState(dir)
		b.StartTimer()
		if res := p.Poll(context.Background(), list, st, true); len(res[0].Saved) != 50 {
			b.Fatalf("saved %d of 50: %v %v", len(res[0].Saved), res[0].Err, res[0].Failed)
		}
	}
}

// TestPollRetriesAndLinks: relative links are read against the feed's
// address, links that are no web page are skipped without using up the
// poll, a page that failed is retried from its own address even while
// the feed answers 304, and a feed with more new items than one poll
// takes is read in full again at the next poll.
func TestPollRetriesAndLinks(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var flaky atomic.Int32
	mux.HandleFunc("/p/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/p/flaky" && flaky.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, article("Page "+r.URL.Path, "2026-11-10", "Dredgers deepened berth "+r.URL.Path+" by two metres this month."))
	})
	mux.HandleFunc("/f.xml", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>
<item><link>/p/ok</link><guid>ok</guid></item><item><link>javascript:alert(1)</link><guid>js</guid></item>
<item><guid>nolink</guid></item><item><link>/p/flaky</link><guid>flaky</guid></item></channel></rss>`)
	})
	var items strings.Builder
	for i := range feeds.MaxItemsPerPoll + 5 {
		fmt.Fprintf(&items, "<item><link>/p/many-%d</link><guid>m%d</guid></item>", i, i)
	}
	mux.HandleFunc("/many.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"m1"`)
		if r.Header.Get("If-None-Match") == `"m1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>M</title>`+items.String()+`</channel></rss>`)
	})
	corpusDir := t.TempDir()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	p := poller(fetch.New(fetch.Options{AllowPrivate: true}), corpusDir, &now)
	st, _ := feeds.LoadState(t.TempDir())
	list := []feeds.Feed{{URL: srv.URL + "/f.xml", Name: "F"}, {URL: srv.URL + "/many.xml", Name: "M"}}
	res := p.Poll(context.Background(), list, st, false)
	if len(res[0].Saved) != 1 || len(res[0].Failed) != 1 || !strings.Contains(res[0].Failed[0], "/p/flaky") {
		t.Fatalf("first poll: saved %v failed %v; want the relative link saved, the flaky page failed, the others skipped", res[0].Saved, res[0].Failed)
	}
	if len(res[1].Saved) != feeds.MaxItemsPerPoll || st.Feeds[srv.URL+"/many.xml"].ETag != "" {
		t.Errorf("a feed with more items than a poll takes: saved %d, ETag %q kept", len(res[1].Saved), st.Feeds[srv.URL+"/many.xml"].ETag)
	}
	now = now.Add(31 * time.Minute)
	res = p.Poll(context.Background(), list, st, false)
	if !res[0].NotModified || len(res[0].Saved) != 1 || len(st.Feeds[srv.URL+"/f.xml"].Pending) != 0 {
		t.Errorf("second poll: not modified %v, saved %v, pending %v; want the flaky page saved from its own address",
			res[0].NotModified, res[0].Saved, st.Feeds[srv.URL+"/f.xml"].Pending)
	}
	if len(res[1].Saved) != 5 {
		t.Errorf("second poll of the long feed saved %d, want the 5 left", len(res[1].Saved))
	}
}

// TestFeedErrorsHideSecrets: a feed's password and query never show in
// what polling records or reports.
func TestFeedErrorsHideSecrets(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://reader:hunter2@", 1) + "/feed.xml?key=sekrit"
	now := time.Now()
	p := poller(fetch.New(fetch.Options{AllowPrivate: true}), t.TempDir(), &now)
	st, _ := feeds.LoadState(t.TempDir())
	res := p.Poll(context.Background(), []feeds.Feed{{URL: u, Name: "Secret"}}, st, true)
	if res[0].Err == nil {
		t.Fatal("a 404 feed did not fail")
	}
	for _, s := range []string{res[0].Err.Error(), st.Feeds[u].LastError, feeds.Redact(u)} {
		if strings.Contains(s, "hunter2") || strings.Contains(s, "sekrit") {
			t.Errorf("a secret shows: %q", s)
		}
	}
}
