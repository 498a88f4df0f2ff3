package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthCommand checks a running bot's /healthz (for Docker's HEALTHCHECK,
// where the image has no curl): exit 0 when ready.
type healthCommand struct{}

func (*healthCommand) Run(ctx context.Context, m *Main, args []string) error {
	c, _, err := m.setup("health", false, args, nil)
	if err != nil {
		return err
	}
	addr := c.httpAddr()
	if addr == "" {
		return fmt.Errorf("%w: HTTP_ADDR is off, so the bot serves no /healthz", errConfig)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: HTTP_ADDR %q: %v", errConfig, addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	fmt.Fprintf(m.Stdout, "%s", body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready (HTTP %d)", resp.StatusCode)
	}
	return nil
}
