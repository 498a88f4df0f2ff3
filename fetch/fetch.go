// Package fetch downloads the web pages and RSS, Atom and JSON feeds that
// futurebot's admins add to its corpus. It refuses private addresses (even
// when a public name resolves to one), obeys robots.txt, caps the size, time
// and redirects of every download, and asks each site for one page at a time.
package fetch

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/temoto/robotstxt"
)

const (
	defaultUserAgent = "futurebot/1 (+a Discord bot that quotes its sources; fetches pages its admins add)"
	robotsAgent      = "futurebot"
	robotsMaxBytes   = 512 << 10
	robotsMaxHosts   = 1000
)

// Options tune a Fetcher; a zero field takes the default given beside it.
type Options struct {
	MaxBytes     int64         // largest page body accepted; default 5 MiB
	Timeout      time.Duration // limit for a whole Get, redirects and body included; default 20s
	MaxRedirects int           // redirects followed per Get; default 5
	AllowPrivate bool          // allow loopback, private and link-local addresses (tests, intranets)
	UserAgent    string        // sent with every request; default names futurebot and why it fetches
	RobotsTTL    time.Duration // how long a site's robots.txt is trusted; default 1h
}

// Conditional holds what a previous download of the page returned, so the
// site can answer 304 Not Modified instead of sending the page again.
type Conditional struct {
	ETag         string // sent as If-None-Match when set
	LastModified string // sent as If-Modified-Since when set
}

// Page is a downloaded page or feed.
type Page struct {
	URL          string // final address after redirects, without any user:password@
	Status       int    // HTTP status: 2xx, or 304 when NotModified
	ContentType  string // the Content-Type header
	ETag         string // the ETag header, for the next Conditional
	LastModified string // the Last-Modified header, for the next Conditional
	NotModified  bool   // the site answered 304: the page is unchanged and Body is empty
	Body         []byte // the page's bytes, at most Options.MaxBytes
}

// Errors a Get can return, usable with errors.Is. Each is wrapped in an
// error whose message names the address and the reason.
var (
	// ErrScheme means the address is not http or https, or has no host.
	ErrScheme = errors.New("only http and https addresses with a host can be fetched")
	// ErrPrivateAddress means the site's address is loopback, private, link-local or otherwise not public.
	ErrPrivateAddress = errors.New("the address is not public")
	// ErrTooLarge means the page is larger than Options.MaxBytes.
	ErrTooLarge = errors.New("the page is too large")
	// ErrRobots means the site's robots.txt forbids the page, or could not be read.
	ErrRobots = errors.New("robots.txt does not allow the page")
	// ErrTooManyRedirects means the page redirected more than Options.MaxRedirects times.
	ErrTooManyRedirects = errors.New("too many redirects")
)

// StatusError reports a site that answered with a status other than 2xx or
// 304, such as 404 Not Found.
type StatusError struct {
	URL    string // the address that answered, without any user:password@
	Status int    // the HTTP status
}

// Error names the address and the status.
func (e *StatusError) Error() string {
	return strings.TrimSpace(fmt.Sprintf("fetch %s: the server answered %d %s", e.URL, e.Status, http.StatusText(e.Status)))
}

// fetchError names an address and a reason, and wraps the sentinel and cause.
type fetchError struct {
	url, reason string
	errs        []error
}

func (e *fetchError) Error() string   { return "fetch " + e.url + ": " + e.reason }
func (e *fetchError) Unwrap() []error { return e.errs }

func fail(shown, reason string, errs ...error) *fetchError {
	return &fetchError{url: shown, reason: reason, errs: errs}
}

// privateAddr is the dial refusal of a non-public address.
type privateAddr struct{ ip netip.Addr }

func (p privateAddr) Error() string { return "the address " + p.ip.String() + " is private" }

// Fetcher downloads pages safely. It is safe for concurrent use; create one
// with New and share it.
type Fetcher struct {
	o      Options
	client *http.Client // pages: redirects are followed by Get itself
	robots *http.Client // robots.txt: redirects followed by the client

	mu     sync.Mutex
	hosts  map[string]*hostSlot   // sites with a request running or waiting
	rcache map[string]robotsEntry // robots.txt per site
	onWait func()                 // tests: called when a Get waits for its site
}

type hostSlot struct {
	ch   chan struct{}
	refs int // holders and waiters
}

type robotsEntry struct {
	data *robotstxt.RobotsData
	at   time.Time
}

// New returns a Fetcher with the given options, defaults filled in.
func New(o Options) *Fetcher {
	o.MaxBytes, o.Timeout = cmp.Or(o.MaxBytes, 5<<20), cmp.Or(o.Timeout, 20*time.Second)
	o.MaxRedirects, o.UserAgent = cmp.Or(o.MaxRedirects, 5), cmp.Or(o.UserAgent, defaultUserAgent)
	o.RobotsTTL = cmp.Or(o.RobotsTTL, time.Hour)
	f := &Fetcher{o: o, hosts: map[string]*hostSlot{}, rcache: map[string]robotsEntry{}}
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: f.control}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		DisableKeepAlives:      true, // no idle connections, so no goroutines outlive a Get
		TLSHandshakeTimeout:    10 * time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
	f.client = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	f.robots = &http.Client{Transport: tr, CheckRedirect: func(_ *http.Request, via []*http.Request) error {
		if len(via) > o.MaxRedirects {
			return ErrTooManyRedirects
		}
		return nil
	}}
	return f
}

// control runs on every address actually dialled, after DNS, so a name that
// resolves to a private address is refused however it was looked up.
func (f *Fetcher) control(_, address string, _ syscall.RawConn) error {
	if f.o.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return err
	}
	if !public(ap.Addr()) {
		return privateAddr{ap.Addr()}
	}
	return nil
}

// public reports whether a is an ordinary internet address.
func public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() ||
		a.IsMulticast() || a.IsUnspecified() || a.IsInterfaceLocalMulticast() {
		return false
	}
	if netip.MustParsePrefix("64:ff9b::/96").Contains(a) { // NAT64: judge the IPv4 inside
		b := a.As16()
		return public(netip.AddrFrom4([4]byte(b[12:])))
	}
	for _, p := range []string{"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4"} {
		if netip.MustParsePrefix(p).Contains(a) {
			return false
		}
	}
	return true
}

// Get downloads rawURL, following redirects, within Options.Timeout.
func (f *Fetcher) Get(ctx context.Context, rawURL string, c Conditional) (*Page, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fail(clean(rawURL), "the address is not a valid URL", ErrScheme)
	}
	first := shownURL(u)
	ctx, cancel := context.WithTimeout(ctx, f.o.Timeout)
	defer cancel()
	for hops := 0; ; hops++ {
		p, next, err := f.hop(ctx, u, c)
		var fe *fetchError
		if hops > 0 && errors.As(err, &fe) && fe.url != first {
			fe.reason, fe.url = "redirected to "+fe.url+", "+fe.reason, first
		}
		if err != nil || next == nil {
			return p, err
		}
		if hops >= f.o.MaxRedirects {
			return nil, fail(first, fmt.Sprintf("it redirects more than %d times", f.o.MaxRedirects), ErrTooManyRedirects)
		}
		u = next
	}
}

// hop makes one request; it returns the page, or the redirect target.
func (f *Fetcher) hop(ctx context.Context, u *url.URL, c Conditional) (*Page, *url.URL, error) {
	shown := shownURL(u)
	if !okScheme(u) {
		why := "the address has no host"
		if u.Scheme != "http" && u.Scheme != "https" {
			why = fmt.Sprintf("the scheme %q is not http or https", u.Scheme)
		}
		return nil, nil, fail(shown, why, ErrScheme)
	}
	key := hostKey(u)
	release, err := f.acquire(ctx, key)
	if err != nil {
		return nil, nil, f.netFail(ctx, shown, err)
	}
	defer release()
	if err := f.checkRobots(ctx, u, key, shown); err != nil {
		return nil, nil, err
	}
	req := f.request(ctx, u)
	if c.ETag != "" {
		req.Header.Set("If-None-Match", c.ETag)
	}
	if c.LastModified != "" {
		req.Header.Set("If-Modified-Since", c.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, f.netFail(ctx, shown, err)
	}
	defer resp.Body.Close()
	h := resp.Header
	p := &Page{URL: shown, Status: resp.StatusCode, ContentType: h.Get("Content-Type"),
		ETag: h.Get("ETag"), LastModified: h.Get("Last-Modified")}
	switch s := resp.StatusCode; {
	case s == http.StatusNotModified:
		p.NotModified = true
		return p, nil, nil
	case s >= 200 && s < 300:
		tooBig := fail(shown, fmt.Sprintf("the page is larger than the %.3g MiB limit", float64(f.o.MaxBytes)/(1<<20)), ErrTooLarge)
		if resp.ContentLength > f.o.MaxBytes {
			return nil, nil, tooBig
		}
		body, err := readBody(io.LimitReader(resp.Body, f.o.MaxBytes+1), resp.ContentLength)
		if err != nil {
			return nil, nil, f.netFail(ctx, shown, err)
		}
		if int64(len(body)) > f.o.MaxBytes {
			return nil, nil, tooBig
		}
		p.Body = body
		return p, nil, nil
	case (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && h.Get("Location") != "":
		next, err := u.Parse(h.Get("Location"))
		if err != nil {
			return nil, nil, fail(shown, "it redirects to an address that is not a valid URL", ErrScheme)
		}
		return nil, next, nil
	}
	return nil, nil, &StatusError{URL: shown, Status: resp.StatusCode}
}

// readBody reads r whole, in one allocation when the length is announced.
func readBody(r io.Reader, length int64) ([]byte, error) {
	if length <= 0 {
		return io.ReadAll(r)
	}
	buf := bytes.NewBuffer(make([]byte, 0, length+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// acquire waits until no other request to the site is running.
func (f *Fetcher) acquire(ctx context.Context, key string) (release func(), err error) {
	f.mu.Lock()
	s := f.hosts[key]
	if s == nil {
		s = &hostSlot{ch: make(chan struct{}, 1)}
		f.hosts[key] = s
	}
	s.refs++
	f.mu.Unlock()
	unref := func() {
		f.mu.Lock()
		if s.refs--; s.refs == 0 {
			delete(f.hosts, key)
		}
		f.mu.Unlock()
	}
	if f.onWait != nil && len(s.ch) == cap(s.ch) {
		f.onWait()
	}
	select {
	case s.ch <- struct{}{}:
	case <-ctx.Done():
		unref()
		return nil, ctx.Err()
	}
	return func() { <-s.ch; unref() }, nil
}

// checkRobots refuses a page the site's robots.txt does not allow.
func (f *Fetcher) checkRobots(ctx context.Context, u *url.URL, key, shown string) error {
	now := time.Now()
	f.mu.Lock()
	e, ok := f.rcache[key]
	f.mu.Unlock()
	if !ok || now.Sub(e.at) >= f.o.RobotsTTL {
		data, err := f.readRobots(ctx, u, shown)
		if err != nil {
			return err
		}
		e = robotsEntry{data: data, at: now}
		f.mu.Lock()
		if _, ok := f.rcache[key]; !ok && len(f.rcache) >= robotsMaxHosts {
			oldest := ""
			for k, v := range f.rcache {
				if oldest == "" || v.at.Before(f.rcache[oldest].at) {
					oldest = k
				}
			}
			delete(f.rcache, oldest)
		}
		f.rcache[key] = e
		f.mu.Unlock()
	}
	if !e.data.TestAgent(u.RequestURI(), robotsAgent) { // path and query
		return fail(shown, "the site's robots.txt does not allow futurebot to fetch it", ErrRobots)
	}
	return nil
}

// readRobots downloads and parses the site's robots.txt (RFC 9309): a 4xx
// answer allows everything; a 5xx answer or a failure allows nothing.
func (f *Fetcher) readRobots(ctx context.Context, u *url.URL, shown string) (*robotstxt.RobotsData, error) {
	unreadable := func(why string, errs ...error) error {
		return fail(shown, "the site's robots.txt could not be read ("+why+")", append(errs, ErrRobots)...)
	}
	resp, err := f.robots.Do(f.request(ctx, &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}))
	var body []byte
	if err == nil {
		defer resp.Body.Close()
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			body, err = io.ReadAll(io.LimitReader(resp.Body, min(f.o.MaxBytes, robotsMaxBytes)))
		}
	}
	if err != nil {
		fe := f.netFail(ctx, shown, err)
		if ctx.Err() != nil || errors.Is(fe, ErrPrivateAddress) {
			return nil, fe
		}
		return nil, unreadable(fe.reason, fe)
	}
	switch s := resp.StatusCode; {
	case s >= 400 && s < 500:
		return robotstxt.FromStatusAndBytes(s, nil) // allows everything
	case s < 200 || s >= 300:
		return nil, unreadable(fmt.Sprintf("the server answered %d", s))
	}
	if int64(len(body)) == min(f.o.MaxBytes, robotsMaxBytes) { // cut: drop the partial last line
		body = body[:bytes.LastIndexByte(body, '\n')+1]
	}
	data, err := robotstxt.FromBytes(body)
	if err != nil {
		return nil, unreadable("it is malformed", err)
	}
	return data, nil
}

// request is a GET of u that names futurebot.
func (f *Fetcher) request(ctx context.Context, u *url.URL) *http.Request {
	r := &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}}
	r.Header.Set("User-Agent", f.o.UserAgent)
	return r.WithContext(ctx)
}

// netFail explains a failed request or body read in plain words.
func (f *Fetcher) netFail(ctx context.Context, shown string, err error) *fetchError {
	var pa privateAddr
	switch {
	case errors.As(err, &pa):
		return fail(shown, pa.Error()+"; set FETCH_ALLOW_PRIVATE=true to allow it", ErrPrivateAddress)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fail(shown, fmt.Sprintf("no complete answer within the %v time limit", f.o.Timeout), context.DeadlineExceeded)
	case ctx.Err() != nil:
		return fail(shown, "the request was cancelled", ctx.Err())
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its message repeats the address, user:password and all
	}
	return fail(shown, "the request failed: "+err.Error(), err)
}

func okScheme(u *url.URL) bool {
	return (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != ""
}

// hostKey names a site: scheme, host and port.
func hostKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return u.Scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// shownURL is u without any user:password@, fit for logs and errors.
func shownURL(u *url.URL) string {
	v := *u
	v.User = nil
	if okScheme(&v) {
		return v.String()
	}
	return clean(v.String())
}

// clean removes anything that might be a user:password@ from an address
// that is not a valid http or https URL.
func clean(s string) string {
	for {
		at := strings.LastIndex(s, "@")
		if at < 0 {
			return s
		}
		s = s[:strings.LastIndex(s[:at], "/")+1] + s[at+1:]
	}
}
