package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// site is a test server whose handlers are set per path; robots.txt answers
// 404 unless a handler for it is given. It counts requests per path.
type site struct {
	*httptest.Server
	mu     sync.Mutex
	counts map[string]int
	agents map[string]string
}

func newSite(t *testing.T, handlers map[string]http.HandlerFunc) *site {
	t.Helper()
	s := &site{counts: map[string]int{}, agents: map[string]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.counts[r.URL.Path]++
		s.agents[r.URL.Path] = r.UserAgent()
		s.mu.Unlock()
		if h, ok := handlers[r.URL.Path]; ok {
			h(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[path]
}

func (s *site) agent(path string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.agents[path]
}

func text(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, body)
	}
}

func redirect(to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
}

func testFetcher(o Options) *Fetcher {
	o.AllowPrivate = true
	return New(o)
}

func TestGetFollowsRedirectAndSendsUserAgent(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{"/start": redirect("/page"), "/page": text("hello")})
	p, err := testFetcher(Options{}).Get(t.Context(), s.URL+"/start", Conditional{})
	if err != nil {
		t.Fatal(err)
	}
	if p.URL != s.URL+"/page" || p.Status != 200 || string(p.Body) != "hello" || p.NotModified {
		t.Errorf("got URL %q status %d body %q notModified %v", p.URL, p.Status, p.Body, p.NotModified)
	}
	if p.ContentType != "text/plain; charset=utf-8" {
		t.Errorf("content type %q", p.ContentType)
	}
	for _, path := range []string{"/robots.txt", "/start", "/page"} {
		if got := s.agent(path); got != defaultUserAgent {
			t.Errorf("%s: User-Agent %q, want %q", path, got, defaultUserAgent)
		}
	}
}

func TestDefaults(t *testing.T) {
	o := New(Options{}).o
	want := Options{MaxBytes: 5 << 20, Timeout: 20 * time.Second, MaxRedirects: 5,
		UserAgent: defaultUserAgent, RobotsTTL: time.Hour}
	if o != want {
		t.Errorf("defaults %+v, want %+v", o, want)
	}
}

func TestConditionalGetNotModified(t *testing.T) {
	const etag, lastMod = `"v1"`, "Mon, 02 Jan 2006 15:04:05 GMT"
	var sawSince atomic.Value
	s := newSite(t, map[string]http.HandlerFunc{"/feed": func(w http.ResponseWriter, r *http.Request) {
		sawSince.Store(r.Header.Get("If-Modified-Since"))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		fmt.Fprint(w, "<rss/>")
	}})
	f := testFetcher(Options{})
	p, err := f.Get(t.Context(), s.URL+"/feed", Conditional{})
	if err != nil {
		t.Fatal(err)
	}
	if p.ETag != etag || p.LastModified != lastMod || p.NotModified {
		t.Fatalf("first fetch: %+v", p)
	}
	p, err = f.Get(t.Context(), s.URL+"/feed", Conditional{ETag: p.ETag, LastModified: p.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !p.NotModified || p.Status != http.StatusNotModified || len(p.Body) != 0 {
		t.Errorf("second fetch: NotModified %v status %d body %q", p.NotModified, p.Status, p.Body)
	}
	if got := sawSince.Load(); got != lastMod {
		t.Errorf("If-Modified-Since %q, want %q", got, lastMod)
	}
}

func TestRedirectLimit(t *testing.T) {
	h := map[string]http.HandlerFunc{"/r6": text("end")}
	for i := range 6 {
		h[fmt.Sprintf("/r%d", i)] = redirect(fmt.Sprintf("/r%d", i+1))
	}
	s := newSite(t, h)
	f := testFetcher(Options{})
	if p, err := f.Get(t.Context(), s.URL+"/r1", Conditional{}); err != nil || string(p.Body) != "end" {
		t.Errorf("5 redirects: page %v, error %v", p, err)
	}
	_, err := f.Get(t.Context(), s.URL+"/r0", Conditional{})
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("6 redirects: error %v, want ErrTooManyRedirects", err)
	}
	if !strings.Contains(err.Error(), s.URL+"/r0") {
		t.Errorf("error %q does not name the address", err)
	}
	if s.count("/r6") != 1 {
		t.Errorf("/r6 requested %d times, want 1 (only by the 5-redirect fetch)", s.count("/r6"))
	}
}

func TestRedirectToOtherSchemeRefused(t *testing.T) {
	for _, to := range []string{"file:///etc/passwd", "ftp://example.com/x"} {
		s := newSite(t, map[string]http.HandlerFunc{"/": redirect(to)})
		_, err := testFetcher(Options{}).Get(t.Context(), s.URL+"/", Conditional{})
		if !errors.Is(err, ErrScheme) {
			t.Errorf("redirect to %s: error %v, want ErrScheme", to, err)
		}
	}
	for _, u := range []string{"ftp://example.com/", "mailto:a@example.com", "http:///path", "example.com/page"} {
		if _, err := New(Options{}).Get(t.Context(), u, Conditional{}); !errors.Is(err, ErrScheme) {
			t.Errorf("%s: error %v, want ErrScheme", u, err)
		}
	}
}

func TestBodySizeLimit(t *testing.T) {
	const limit = 1000
	body := strings.Repeat("x", limit)
	s := newSite(t, map[string]http.HandlerFunc{
		"/exact": text(body),
		"/over":  text(body + "y"),
		"/over-chunked": func(w http.ResponseWriter, r *http.Request) { // no Content-Length
			fmt.Fprint(w, body)
			w.(http.Flusher).Flush()
			fmt.Fprint(w, "y")
		},
	})
	f := testFetcher(Options{MaxBytes: limit})
	if p, err := f.Get(t.Context(), s.URL+"/exact", Conditional{}); err != nil || len(p.Body) != limit {
		t.Errorf("exactly MaxBytes: page %v, error %v", p, err)
	}
	for _, path := range []string{"/over", "/over-chunked"} {
		_, err := f.Get(t.Context(), s.URL+path, Conditional{})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: error %v, want ErrTooLarge", path, err)
		} else if !strings.Contains(err.Error(), s.URL+path) || !strings.Contains(err.Error(), "MiB") {
			t.Errorf("%s: error %q does not name the address and the limit", path, err)
		}
	}
}

func TestTimeout(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{
		"/slow-headers": func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		"/slow-body": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "the start")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		},
	})
	f := testFetcher(Options{Timeout: 200 * time.Millisecond})
	for _, path := range []string{"/slow-headers", "/slow-body"} {
		_, err := f.Get(t.Context(), s.URL+path, Conditional{})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: error %v, want context.DeadlineExceeded", path, err)
		} else if !strings.Contains(err.Error(), "time limit") {
			t.Errorf("%s: error %q does not say it timed out", path, err)
		}
	}
}

func TestPrivateAddressRefused(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{"/": text("secret intranet")})
	_, err := New(Options{}).Get(t.Context(), s.URL+"/", Conditional{})
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("error %v, want ErrPrivateAddress", err)
	}
	want := "fetch " + s.URL + "/: the address 127.0.0.1 is private; set FETCH_ALLOW_PRIVATE=true to allow it"
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if n := s.count("/") + s.count("/robots.txt"); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestPublicAddressPredicate(t *testing.T) {
	for _, c := range []struct {
		addr   string
		public bool
	}{
		{"127.0.0.1", false}, {"::1", false}, {"10.1.2.3", false}, {"172.16.0.1", false},
		{"192.168.1.1", false}, {"169.254.169.254", false}, {"fe80::1", false}, {"fe80::1%eth0", false},
		{"fc00::1", false}, {"fd00:ec2::254", false}, {"100.64.0.1", false}, {"0.0.0.0", false},
		{"0.1.2.3", false}, {"::", false}, {"::ffff:127.0.0.1", false}, {"::ffff:10.0.0.1", false},
		{"::ffff:169.254.169.254", false}, {"224.0.0.1", false}, {"ff02::1", false},
		{"255.255.255.255", false}, {"64:ff9b::10.0.0.1", false},
		{"8.8.8.8", true}, {"1.1.1.1", true}, {"2606:4700::1111", true}, {"::ffff:8.8.8.8", true},
		{"100.128.0.1", true}, {"172.32.0.1", true}, {"64:ff9b::8.8.8.8", true},
	} {
		if got := public(netip.MustParseAddr(c.addr)); got != c.public {
			t.Errorf("public(%s) = %v, want %v", c.addr, got, c.public)
		}
	}
}

func TestRobots(t *testing.T) {
	robots := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}
	}
	const rules = "User-agent: *\nDisallow: /private\n"
	// futurebot's own group replaces the * group for it (RFC 9309 2.2.1).
	const own = "User-agent: *\nDisallow: /\n\nUser-agent: futurebot\nDisallow: /no-bots\n"
	for _, c := range []struct {
		name   string
		robots http.HandlerFunc
		path   string
		want   error
	}{
		{"disallowed", robots(200, rules), "/private/x", ErrRobots},
		{"disallowed for futurebot", robots(200, own), "/no-bots?q=1", ErrRobots},
		{"allowed for futurebot", robots(200, own), "/public", nil},
		{"allowed", robots(200, rules), "/public", nil},
		{"robots 404", robots(404, "nothing here"), "/private/x", nil},
		{"robots 500", robots(500, "oops"), "/public", ErrRobots},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSite(t, map[string]http.HandlerFunc{
				"/robots.txt": c.robots, "/private/x": text("p"), "/public": text("p"), "/no-bots": text("p"),
			})
			_, err := testFetcher(Options{}).Get(t.Context(), s.URL+c.path, Conditional{})
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if err != nil && (!strings.Contains(err.Error(), "robots.txt") || !strings.Contains(err.Error(), s.URL)) {
				t.Errorf("error %q does not name the address and robots.txt", err)
			}
			if c.want != nil && s.count(strings.SplitN(c.path, "?", 2)[0]) != 0 {
				t.Errorf("refused page was requested")
			}
		})
	}
}

func TestRobotsFetchedOncePerSite(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{
		"/robots.txt": text("User-agent: *\nDisallow: /private\n"), "/a": text("a"), "/b": text("b"),
	})
	f := testFetcher(Options{})
	for _, path := range []string{"/a", "/b"} {
		if _, err := f.Get(t.Context(), s.URL+path, Conditional{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt requested %d times, want 1", n)
	}
}

func TestOneRequestAtATimePerSite(t *testing.T) {
	var active, most atomic.Int32
	entered := make(chan struct{}, 2)
	hold := make(chan struct{})
	s := newSite(t, map[string]http.HandlerFunc{"/page": func(w http.ResponseWriter, r *http.Request) {
		n := active.Add(1)
		defer active.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		entered <- struct{}{}
		<-hold
		fmt.Fprint(w, "ok")
	}})
	f := testFetcher(Options{})
	waiting := make(chan struct{}, 1)
	f.onWait = func() {
		select {
		case waiting <- struct{}{}:
		default:
		}
	}
	errs := make(chan error, 2)
	get := func() {
		_, err := f.Get(t.Context(), s.URL+"/page", Conditional{})
		errs <- err
	}
	go get()
	<-entered // the first request is running on the server
	go get()
	select {
	case <-waiting: // the second waits for the first, as it should
	case <-entered:
		t.Error("a second request reached the site while the first was running")
	}
	close(hold)
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if m := most.Load(); m != 1 {
		t.Errorf("%d requests ran at once, want 1", m)
	}
	if n := len(f.hosts); n != 0 {
		t.Errorf("%d sites still tracked after all requests ended", n)
	}
}

func TestCancelWhileWaitingForSite(t *testing.T) {
	entered := make(chan struct{}, 1)
	hold := make(chan struct{})
	s := newSite(t, map[string]http.HandlerFunc{"/page": func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-hold
	}})
	f := testFetcher(Options{})
	ctx, cancel := context.WithCancel(t.Context())
	f.onWait = cancel // only the second Get waits: cancel it once it does
	first := make(chan error, 1)
	go func() {
		_, err := f.Get(t.Context(), s.URL+"/page", Conditional{})
		first <- err
	}()
	<-entered
	_, err := f.Get(ctx, s.URL+"/page", Conditional{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	close(hold)
	if err := <-first; err != nil {
		t.Error(err)
	}
	if n := len(f.hosts); n != 0 {
		t.Errorf("%d sites still tracked after all requests ended", n)
	}
}

func TestErrorsHideUserinfo(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{"/page": func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "user" || p != "secret" {
			http.Error(w, "who are you", http.StatusUnauthorized)
		}
	}})
	withUser := strings.Replace(s.URL, "://", "://user:secret@", 1)
	p, err := testFetcher(Options{}).Get(t.Context(), withUser+"/page", Conditional{})
	if err != nil {
		t.Fatalf("credentials in the address not used: %v", err)
	}
	if p.URL != s.URL+"/page" {
		t.Errorf("page URL %q, want %q", p.URL, s.URL+"/page")
	}
	for _, c := range []struct {
		url          string
		allowPrivate bool
		want         error
	}{
		{withUser + "/page", false, ErrPrivateAddress},
		{withUser + "/missing", true, nil}, // a StatusError
		{"ftp://user:secret@example.com/", false, ErrScheme},
		{"user:secret@example.com", false, ErrScheme},
		{"http:/user:secret@example.com/a@b", false, ErrScheme},
		{"http://user:secret@exa mple.com/", false, ErrScheme},
		{"http://user:secret@example.com/%zz", false, ErrScheme},
	} {
		_, err := New(Options{AllowPrivate: c.allowPrivate}).Get(t.Context(), c.url, Conditional{})
		var se *StatusError
		switch {
		case err == nil:
			t.Errorf("%s: no error", c.url)
		case c.want == nil && !errors.As(err, &se):
			t.Errorf("%s: error %v, want a StatusError", c.url, err)
		case c.want != nil && !errors.Is(err, c.want):
			t.Errorf("%s: error %v, want %v", c.url, err, c.want)
		case strings.Contains(err.Error(), "secret"):
			t.Errorf("%s: error %q shows the password", c.url, err)
		case se != nil && (se.Status != 404 || strings.Contains(se.URL, "secret")):
			t.Errorf("%s: StatusError %+v", c.url, se)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	page := strings.Repeat("futurebot ", 100<<10/10)
	for _, c := range []struct {
		name    string
		chunked bool
	}{{"length-known", false}, {"chunked", true}} {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.NotFound(w, r)
				return
			}
			if !c.chunked {
				w.Header().Set("Content-Length", fmt.Sprint(len(page)))
			}
			io.WriteString(w, page) // the server allocates nothing per request
		}))
		b.Run(c.name, func(b *testing.B) {
			f := testFetcher(Options{})
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, err := f.Get(b.Context(), s.URL+"/page", Conditional{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		s.Close()
	}
}
