// Package feeds keeps the corpus current from news feeds: the list admins
// keep in CORPUS_DIR/feeds.yaml, what polling remembers in
// DATA_DIR/feeds.json, and one poll of every feed (RSS, Atom or JSON Feed,
// read with gofeed), which saves each new item's page as a document.
package feeds

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"go.yaml.in/yaml/v3"

	"futurebot/corpus"
	"futurebot/fetch"
	"futurebot/internal/atomicfile"
)

// Feed is one entry of feeds.yaml.
type Feed struct {
	URL  string `yaml:"url" json:"url"`
	Name string `yaml:"name" json:"name"`
	// Tags and the entity names are written into every page saved from
	// the feed, to file it under them.
	Tags      []string `yaml:"tags,omitempty" json:"tags,omitempty"`
	Sectors   []string `yaml:"sectors,omitempty" json:"sectors,omitempty"`
	Companies []string `yaml:"companies,omitempty" json:"companies,omitempty"`
	Policies  []string `yaml:"policies,omitempty" json:"policies,omitempty"`
}

// Limits.
const (
	// MaxFeeds bounds feeds.yaml.
	MaxFeeds = 200
	// MaxItemsPerPoll bounds the pages fetched from one feed in one poll;
	// the rest wait for the next.
	MaxItemsPerPoll = 50
	// maxSeen bounds the items remembered per feed, maxLinks the pages
	// remembered across feeds.
	maxSeen  = 500
	maxLinks = 5000
	// maxListBytes bounds feeds.yaml, maxStateBytes feeds.json.
	maxListBytes  = 4 << 20
	maxStateBytes = 32 << 20
	// maxBackoff bounds the wait after failures.
	maxBackoff = 24 * time.Hour
)

// StateFile is where polling remembers, in the data directory.
const StateFile = "feeds.json"

// Load reads the corpus directory's feeds.yaml: the good entries, and a
// problem for each bad one. A missing file is no feeds.
func Load(corpusDir string) ([]Feed, []error) {
	data, err := readCapped(filepath.Join(corpusDir, corpus.FeedsFile), maxListBytes)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{fmt.Errorf("%s: %w", corpus.FeedsFile, err)}
	}
	var raw []yaml.Node
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, []error{fmt.Errorf("%s: %w", corpus.FeedsFile, err)}
	}
	if len(doc.Content) == 1 {
		if err := doc.Content[0].Decode(&raw); err != nil {
			return nil, []error{fmt.Errorf("%s: a list of feeds (- url: …, name: …) is expected: %w", corpus.FeedsFile, err)}
		}
	}
	var feeds []Feed
	var probs []error
	seen := map[string]bool{}
	for _, n := range raw {
		var f Feed
		err := n.Decode(&f)
		if err == nil {
			err = f.check()
		}
		if err == nil && seen[f.URL] {
			err = fmt.Errorf("%s is listed twice", f.URL)
		}
		if err == nil && len(feeds) == MaxFeeds {
			err = fmt.Errorf("more than %d feeds", MaxFeeds)
		}
		if err != nil {
			probs = append(probs, fmt.Errorf("%s line %d: %w", corpus.FeedsFile, n.Line, err))
			continue
		}
		seen[f.URL] = true
		feeds = append(feeds, f)
	}
	return feeds, probs
}

// check says what is wrong with a feed entry.
func (f *Feed) check() error {
	f.URL, f.Name = strings.TrimSpace(f.URL), strings.TrimSpace(f.Name)
	u, err := url.Parse(f.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("url %q is not an http(s) address", f.URL)
	}
	if f.Name == "" {
		f.Name = strings.TrimPrefix(u.Hostname(), "www.")
	}
	if len(f.Name) > 100 {
		return fmt.Errorf("name %q is longer than 100 bytes", f.Name[:100])
	}
	return nil
}

// Add appends a feed to a list, checked; it returns the list and the feed
// as stored.
func Add(list []Feed, f Feed) ([]Feed, Feed, error) {
	if err := f.check(); err != nil {
		return list, f, err
	}
	if slices.ContainsFunc(list, func(g Feed) bool { return g.URL == f.URL }) {
		return list, f, fmt.Errorf("%s is already a feed", f.URL)
	}
	if len(list) >= MaxFeeds {
		return list, f, fmt.Errorf("there are %d feeds already, the most there may be", MaxFeeds)
	}
	return append(list, f), f, nil
}

// Remove takes the feed with the URL out of a list.
func Remove(list []Feed, rawURL string) ([]Feed, Feed, error) {
	i := slices.IndexFunc(list, func(f Feed) bool { return f.URL == strings.TrimSpace(rawURL) })
	if i < 0 {
		return list, Feed{}, fmt.Errorf("%s is not one of the feeds", strings.TrimSpace(rawURL))
	}
	f := list[i]
	return slices.Delete(list, i, i+1), f, nil
}

// Save writes feeds.yaml, replacing it whole.
func Save(corpusDir string, feeds []Feed) error {
	data, err := yaml.Marshal(feeds)
	if err != nil {
		return err
	}
	head := "# News feeds futurebot polls; each new item's page is saved under ingested/.\n"
	return atomicfile.Write(filepath.Join(corpusDir, corpus.FeedsFile), append([]byte(head), data...))
}

// State is what polling remembers of each feed, by URL.
type State struct {
	Feeds map[string]*FeedState `json:"feeds"`
	// Links are the pages saved from any feed (hashes of their address),
	// so that an article in two feeds is fetched once.
	Links []string `json:"links,omitempty"`
}

// FeedState is what polling remembers of one feed.
type FeedState struct {
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	LastPoll     time.Time `json:"last_poll"`
	LastNew      time.Time `json:"last_new"`
	LastError    string    `json:"last_error,omitempty"`
	Failures     int       `json:"failures,omitempty"`
	NextTry      time.Time `json:"next_try"`
	// Seen are the items saved or given up (hashes of their GUID, else
	// link), newest last.
	Seen []string `json:"seen,omitempty"`
	// Pending are items whose page failed, by key, retried with back-off
	// from their own address until they are saved or given up.
	Pending map[string]*Pending `json:"pending,omitempty"`
}

// Pending is an item whose page failed.
type Pending struct {
	URL       string    `json:"url"`
	Failures  int       `json:"failures"`
	NextTry   time.Time `json:"next_try"`
	LastError string    `json:"last_error"`
}

// LoadState reads the data directory's feeds.json; a damaged one is
// reported and polling starts afresh (pages already saved are found again
// and refreshed, not duplicated).
func LoadState(dataDir string) (*State, error) {
	s := &State{Feeds: map[string]*FeedState{}}
	data, err := readCapped(filepath.Join(dataDir, StateFile), maxStateBytes)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err == nil {
		err = json.Unmarshal(data, s)
	}
	if err != nil || s.Feeds == nil {
		s.Feeds = map[string]*FeedState{}
	}
	for k, f := range s.Feeds {
		if f == nil {
			delete(s.Feeds, k)
		}
	}
	if err != nil {
		return s, fmt.Errorf("%s: %w (polling starts afresh)", StateFile, err)
	}
	return s, nil
}

// Save writes the state to the data directory.
func (s *State) Save(dataDir string) error {
	data, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dataDir, StateFile), data)
}

// Fetcher gets pages and feeds (fetch.Fetcher).
type Fetcher interface {
	Get(ctx context.Context, rawURL string, c fetch.Conditional) (*fetch.Page, error)
}

// SaveFunc saves the page at a URL as a document, with what the feed
// says of it, and returns the document's file.
type SaveFunc func(ctx context.Context, pageURL string, meta corpus.PageMeta) (string, error)

// Result is what one poll of one feed did.
type Result struct {
	Feed Feed
	// Saved are the files of the new items' pages.
	Saved []string
	// NotModified is true when the feed had not changed (304).
	NotModified bool
	// Skipped is true when the feed waits out a back-off.
	Skipped bool
	// Err is why the feed itself failed; Failed are its items that did.
	Err    error
	Failed []string
}

// Poller polls feeds.
type Poller struct {
	Fetch Fetcher
	Save  SaveFunc
	// Interval is the time between polls; back-off after failures grows
	// from it.
	Interval time.Duration
	Now      func() time.Time
}

// Poll polls every feed once; force ignores back-offs (futurebot poll).
// A feed or page that fails never stops the others.
func (p *Poller) Poll(ctx context.Context, feeds []Feed, st *State, force bool) []Result {
	var out []Result
	for _, f := range feeds {
		if ctx.Err() != nil {
			break
		}
		fs := st.Feeds[f.URL]
		if fs == nil {
			fs = &FeedState{}
			st.Feeds[f.URL] = fs
		}
		out = append(out, p.pollFeed(ctx, f, fs, st, force))
	}
	return out
}

// Forget drops the state of feeds no longer listed; call it only with a
// list read without problems, or a typo in feeds.yaml forgets what every
// feed has seen.
func (st *State) Forget(feeds []Feed) {
	for u := range st.Feeds {
		if !slices.ContainsFunc(feeds, func(f Feed) bool { return f.URL == u }) {
			delete(st.Feeds, u)
		}
	}
}

// Redact is an address as shown to people and written to logs: without a
// user and password, and without its query, where feeds often carry keys.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an address that does not parse)"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	u.Fragment = ""
	return u.String()
}

// redactErr rewrites an error about a feed so that its query does not show.
func redactErr(err error, feedURL string) error {
	u, perr := url.Parse(feedURL)
	if perr != nil || u.RawQuery == "" {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), "?"+u.RawQuery, "?…"))
}

// itemKey is how an item is remembered: a short hash of its GUID, else of
// its link, so that a hostile feed's long GUIDs cannot swell the state.
func itemKey(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

// maxPending bounds the pages of one feed waiting for a retry.
const maxPending = 200

func (p *Poller) pollFeed(ctx context.Context, f Feed, fs *FeedState, st *State, force bool) Result {
	r := Result{Feed: f}
	now := p.Now()
	if !force && now.Before(fs.NextTry) {
		r.Skipped = true
		return r
	}
	fail := func(err error) Result {
		err = redactErr(err, f.URL)
		fs.Failures++
		fs.LastError = err.Error()
		fs.NextTry = now.Add(p.backoff(fs.Failures))
		r.Err = err
		return r
	}
	page, err := p.Fetch.Get(ctx, f.URL, fetch.Conditional{ETag: fs.ETag, LastModified: fs.LastModified})
	if ctx.Err() != nil {
		return r // shutting down: no failure to count
	}
	fs.LastPoll = now
	if err != nil {
		return fail(err)
	}
	meta := corpus.PageMeta{Fetched: now, Feed: f.Name, Tags: f.Tags, Sectors: f.Sectors, Companies: f.Companies, Policies: f.Policies}
	fetched := 0
	// Pages that failed before are retried from their own address, whether
	// or not the feed still lists them or has changed.
	for key, pend := range fs.Pending {
		if ctx.Err() != nil || fetched == MaxItemsPerPoll {
			break
		}
		if !force && now.Before(pend.NextTry) {
			continue
		}
		fetched++
		p.savePage(ctx, key, pend.URL, meta, fs, st, &r)
	}
	if page.NotModified {
		fs.Failures, fs.LastError, fs.NextTry = 0, "", time.Time{}
		r.NotModified = true
		return r
	}
	parsed, err := gofeed.NewParser().Parse(bytes.NewReader(page.Body))
	if err != nil {
		return fail(fmt.Errorf("%s is not a feed (RSS, Atom or JSON Feed): %w", Redact(f.URL), err))
	}
	fs.Failures, fs.LastError, fs.NextTry = 0, "", time.Time{}
	base, _ := url.Parse(page.URL)
	capped := false
	for _, it := range parsed.Items {
		if it == nil || ctx.Err() != nil {
			continue
		}
		link := itemLink(base, it.Link)
		if link == "" {
			continue // no page to fetch: nothing to count against the limit
		}
		id := strings.TrimSpace(it.GUID)
		if id == "" {
			id = link
		}
		key := itemKey(id)
		if slices.Contains(fs.Seen, key) || fs.Pending[key] != nil {
			continue
		}
		if slices.Contains(st.Links, itemKey(link)) {
			fs.Seen = remember(fs.Seen, key, maxSeen)
			continue
		}
		if fetched == MaxItemsPerPoll {
			capped = true
			break
		}
		fetched++
		p.savePage(ctx, key, link, meta, fs, st, &r)
	}
	// The feed is asked for again in full while items are left over.
	if capped || ctx.Err() != nil {
		fs.ETag, fs.LastModified = "", ""
	} else {
		fs.ETag, fs.LastModified = page.ETag, page.LastModified
	}
	return r
}

// savePage saves one item's page and records what came of it: seen when
// saved or when it can never be (refused by robots.txt, gone, not a web
// page), else waiting for a retry with back-off.
func (p *Poller) savePage(ctx context.Context, key, link string, meta corpus.PageMeta, fs *FeedState, st *State, r *Result) {
	file, err := p.Save(ctx, link, meta)
	if ctx.Err() != nil {
		return // shutting down: tried again at the next start
	}
	pend := fs.Pending[key]
	if err == nil || permanent(err) {
		delete(fs.Pending, key)
		fs.Seen = remember(fs.Seen, key, maxSeen)
		if err != nil {
			r.Failed = append(r.Failed, fmt.Sprintf("%s: %v (not retried)", Redact(link), err))
			return
		}
		st.Links = remember(st.Links, itemKey(link), maxLinks)
		fs.LastNew = meta.Fetched
		r.Saved = append(r.Saved, file)
		return
	}
	if pend == nil {
		if len(fs.Pending) >= maxPending {
			fs.Seen = remember(fs.Seen, key, maxSeen)
			r.Failed = append(r.Failed, fmt.Sprintf("%s: %v (too many pages waiting; not retried)", Redact(link), err))
			return
		}
		pend = &Pending{URL: link}
		if fs.Pending == nil {
			fs.Pending = map[string]*Pending{}
		}
		fs.Pending[key] = pend
	}
	pend.Failures++
	pend.LastError = err.Error()
	pend.NextTry = meta.Fetched.Add(p.backoff(pend.Failures))
	r.Failed = append(r.Failed, fmt.Sprintf("%s: %v", Redact(link), err))
	if pend.Failures >= maxPageTries {
		delete(fs.Pending, key)
		fs.Seen = remember(fs.Seen, key, maxSeen)
	}
}

// maxPageTries is how often a page is tried before it is given up.
const maxPageTries = 8

// permanent reports whether a page's failure will not change by trying
// again: robots.txt refuses it, it is gone, or it is no web page.
func permanent(err error) bool {
	var se *fetch.StatusError
	switch {
	case errors.Is(err, fetch.ErrRobots), errors.Is(err, fetch.ErrScheme), errors.Is(err, fetch.ErrPrivateAddress),
		errors.Is(err, fetch.ErrTooLarge):
		return true
	case errors.As(err, &se):
		return se.Status == 404 || se.Status == 410
	}
	return strings.Contains(err.Error(), "is not a web page")
}

// itemLink is an item's page address, resolved against the feed's, or ""
// when it is none that can be fetched.
func itemLink(base *url.URL, raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || base == nil {
		return ""
	}
	u, err := base.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	u.Fragment = ""
	return u.String()
}

// backoff is the wait after n failures in a row: the interval, doubled
// with each failure after the first, at most a day.
func (p *Poller) backoff(n int) time.Duration {
	d := p.Interval
	if d <= 0 {
		d = 30 * time.Minute
	}
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// remember appends key to a list kept at most n long.
func remember(list []string, key string, n int) []string {
	list = append(list, key)
	if len(list) > n {
		list = append([]string(nil), list[len(list)-n:]...)
	}
	return list
}

func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("larger than %d bytes", limit)
	}
	return data, err
}
