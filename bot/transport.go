package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// NewHTTPClient returns the HTTP client for Discord's REST API. With a base
// URL (DISCORD_API_URL), every request for https://discord.com/... goes to
// that base with the same path instead: for REST proxies such as
// nirn-proxy, and for tests against a fake Discord.
func NewHTTPClient(base string) (*http.Client, error) {
	c := &http.Client{Timeout: 20 * time.Second}
	if base == "" {
		return c, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("DISCORD_API_URL %q is not an http(s) URL", base)
	}
	c.Transport = &rewrite{base: u, next: http.DefaultTransport}
	return c, nil
}

type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "discord.com" || strings.HasSuffix(req.URL.Host, ".discord.com") {
		r := req.Clone(req.Context())
		r.URL.Scheme = t.base.Scheme
		r.URL.Host = t.base.Host
		r.URL.Path = strings.TrimSuffix(t.base.Path, "/") + req.URL.Path
		if req.URL.RawPath != "" {
			r.URL.RawPath = strings.TrimSuffix(t.base.Path, "/") + req.URL.RawPath
		}
		r.Host = t.base.Host
		req = r
	}
	return t.next.RoundTrip(req)
}
