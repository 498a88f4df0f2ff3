package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestRouterDuplicatePanics(t *testing.T) {
	r := NewRouter()
	h := func(context.Context, *Request) (*Response, error) { return nil, nil }
	r.Handle(KindCommand, "ask", h)
	r.Handle(KindAutocomplete, "ask", h) // another kind is another name
	defer func() {
		if recover() == nil {
			t.Error("registering /ask twice did not panic")
		}
	}()
	r.Handle(KindCommand, "ask", h)
}

func TestRouterUnknown(t *testing.T) {
	_, err := NewRouter().Serve(context.Background(), &Request{Kind: KindCommand, Name: "nope"})
	if !errors.Is(err, errUnknown) {
		t.Errorf("got %v, want errUnknown", err)
	}
}

func TestRecoverMiddleware(t *testing.T) {
	r := NewRouter(Recover(quiet))
	r.Handle(KindCommand, "boom", func(context.Context, *Request) (*Response, error) { panic("boom") })
	_, err := r.Serve(context.Background(), &Request{Kind: KindCommand, Name: "boom"})
	if !errors.Is(err, errPanic) {
		t.Errorf("got %v, want errPanic", err)
	}
}

type fixedLimiter struct {
	allow bool
	wait  time.Duration
}

func (f fixedLimiter) Allow(string) (bool, time.Duration) { return f.allow, f.wait }

func TestRateLimitMiddleware(t *testing.T) {
	limited := 0
	r := NewRouter(RateLimit(fixedLimiter{false, 2300 * time.Millisecond}, func() { limited++ }))
	called := false
	h := func(context.Context, *Request) (*Response, error) { called = true; return &Response{}, nil }
	r.Handle(KindCommand, "ask", h)
	r.Handle(KindAutocomplete, "ask", h)
	r.Handle(KindComponent, "fb", h)
	resp, _ := r.Serve(context.Background(), &Request{Kind: KindCommand, Name: "ask"})
	if called || resp.Message == nil || !resp.Message.Ephemeral || !strings.Contains(resp.Message.Content, "try again in 3 s") {
		t.Errorf("limited command: called %v, response %+v", called, resp.Message)
	}
	resp, _ = r.Serve(context.Background(), &Request{Kind: KindAutocomplete, Name: "ask"})
	if called || resp.Message != nil || len(resp.Choices) != 0 {
		t.Errorf("limited autocomplete should get no choices")
	}
	r.Serve(context.Background(), &Request{Kind: KindComponent, Name: "fb"})
	if !called {
		t.Error("buttons should not be rate limited")
	}
	if limited != 2 {
		t.Errorf("limited counted %d times, want 2", limited)
	}
}

func TestParseInteractionOddShapes(t *testing.T) {
	for _, i := range []*discordgo.Interaction{
		{Type: discordgo.InteractionApplicationCommand, Data: discordgo.ApplicationCommandInteractionData{}},
		{Type: discordgo.InteractionPing},
		{Type: discordgo.InteractionModalSubmit, Data: discordgo.ModalSubmitInteractionData{}},
		{Type: discordgo.InteractionApplicationCommand, Data: discordgo.ApplicationCommandInteractionData{Name: "ask",
			Options: []*discordgo.ApplicationCommandInteractionDataOption{nil, {Name: "question"}, {Name: "private", Value: "yes"}}}},
	} {
		req, ok := parseInteraction(i)
		if ok && (req.String("question") != "" || req.Bool("private")) {
			t.Errorf("odd options read as values: %+v", req.Options)
		}
	}
}

func TestReadsAsQuestion(t *testing.T) {
	for s, want := range map[string]bool{
		"Who are the Six Little Dragons": true, "is 6G a priority": true, "robots?": false, "humanoid robots?": true,
		"good morning": false, "lol": false, "thanks, that helps": false, "工信部发布了什么？": true,
	} {
		if got := readsAsQuestion(s); got != want {
			t.Errorf("readsAsQuestion(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestDeferral: a slow handler is deferred once and its reply still comes;
// a fast one is not deferred; a panic on the handler's goroutine is
// recovered; a request that cannot be deferred runs as it is.
func TestDeferral(t *testing.T) {
	release := make(chan struct{})
	r := NewRouter(Deferral(time.Millisecond), Recover(quiet))
	r.Handle(KindCommand, "slow", func(ctx context.Context, req *Request) (*Response, error) {
		<-release
		m := TextMessage("late", false)
		return &Response{Message: &m}, nil
	})
	deferred := 0
	resp, err := r.Serve(context.Background(), &Request{Kind: KindCommand, Name: "slow", Defer: func() { deferred++; close(release) }})
	if err != nil || deferred != 1 || resp == nil || resp.Message.Content != "late" {
		t.Errorf("slow handler: deferred %d times, reply %+v, %v", deferred, resp, err)
	}

	fast := NewRouter(Deferral(time.Hour), Recover(quiet))
	fast.Handle(KindCommand, "quick", func(ctx context.Context, req *Request) (*Response, error) { return &Response{}, nil })
	fast.Handle(KindCommand, "boom", func(ctx context.Context, req *Request) (*Response, error) { panic("boom") })
	deferred = 0
	if _, err := fast.Serve(context.Background(), &Request{Kind: KindCommand, Name: "quick", Defer: func() { deferred++ }}); err != nil || deferred != 0 {
		t.Errorf("fast handler: deferred %d times, %v", deferred, err)
	}
	if _, err := fast.Serve(context.Background(), &Request{Kind: KindCommand, Name: "boom", Defer: func() {}}); !errors.Is(err, errPanic) {
		t.Errorf("panicking handler: %v, want errPanic", err)
	}
	if _, err := fast.Serve(context.Background(), &Request{Kind: KindCommand, Name: "quick"}); err != nil {
		t.Errorf("request without Defer: %v", err)
	}
}
