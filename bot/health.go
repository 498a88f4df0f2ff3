package bot

import (
	"encoding/json"
	"net/http"
	"time"
)

// Health is what /healthz reports.
type Health struct {
	Ready            bool   `json:"ready"`
	GatewayConnected bool   `json:"gateway_connected"`
	IndexLoaded      bool   `json:"index_loaded"`
	Documents        int    `json:"documents"`
	IndexVersion     string `json:"index_version"`
	// Feeds are the news feeds' polling (names and times; no addresses or
	// errors, which /feeds shows admins).
	Feeds []FeedHealth `json:"feeds,omitempty"`
}

// FeedHealth is one feed in /healthz.
type FeedHealth struct {
	Name     string     `json:"name"`
	LastPoll *time.Time `json:"last_poll"`
	LastNew  *time.Time `json:"last_new"`
	Failing  bool       `json:"failing"`
	Failures int        `json:"failures,omitempty"`
}

// Health reports whether the bot is connected and has an index.
func (b *Bot) Health() Health {
	info := b.info()
	h := Health{GatewayConnected: b.Connected(), IndexLoaded: info.Version != "", Documents: info.Articles + info.FAQs,
		IndexVersion: info.Version}
	if b.cfg.Admin != nil {
		opt := func(t time.Time) *time.Time {
			if t.IsZero() {
				return nil
			}
			return &t
		}
		for _, f := range b.cfg.Admin.Feeds() {
			h.Feeds = append(h.Feeds, FeedHealth{Name: f.Name, LastPoll: opt(f.LastPoll), LastNew: opt(f.LastNew),
				Failing: f.LastError != "", Failures: f.Failures})
		}
	}
	h.Ready = (h.GatewayConnected || b.cfg.Token == "") && h.IndexLoaded && !b.closing.Load()
	return h
}

// ServeHealth answers /healthz: 200 when ready, 503 when not, with the
// details as JSON.
func (b *Bot) ServeHealth(w http.ResponseWriter, _ *http.Request) {
	h := b.Health()
	w.Header().Set("Content-Type", "application/json")
	if !h.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(h)
}
