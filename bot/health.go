package bot

import (
	"encoding/json"
	"net/http"
)

// Health is what /healthz reports.
type Health struct {
	Ready            bool   `json:"ready"`
	GatewayConnected bool   `json:"gateway_connected"`
	IndexLoaded      bool   `json:"index_loaded"`
	Documents        int    `json:"documents"`
	IndexVersion     string `json:"index_version"`
}

// Health reports whether the bot is connected and has an index.
func (b *Bot) Health() Health {
	info := b.info()
	h := Health{GatewayConnected: b.Connected(), IndexLoaded: info.Version != "", Documents: info.Articles + info.FAQs,
		IndexVersion: info.Version}
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
