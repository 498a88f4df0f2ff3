package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Kind is what a request is.
type Kind int

// Request kinds.
const (
	KindCommand Kind = iota
	KindAutocomplete
	KindComponent
	KindMessage
)

func (k Kind) String() string {
	return [...]string{"command", "autocomplete", "component", "message"}[k]
}

// Request is one thing the bot was asked to do: a slash command, an
// autocomplete, a button click or a channel message. Its fields are parsed
// defensively from whatever Discord sent.
type Request struct {
	Kind Kind
	// Name is the command name, or the custom ID's prefix for buttons.
	Name string
	// ID is the interaction or message ID.
	ID        string
	UserID    string
	GuildID   string
	ChannelID string
	// Options are the command's options by name (string, bool, number).
	Options map[string]any
	// Focused is the option being typed in an autocomplete.
	Focused string
	// CustomID is the whole custom ID of a clicked button.
	CustomID string
	// Message is the message a button sits on, or the channel message asked.
	Message *discordgo.Message
	// Text is the question of a channel message or context-menu target.
	Text string
	// Ephemeral asks for a reply only the user sees (and a deferral that is).
	Ephemeral bool
	// Permissions are the member's permissions in the channel (interactions).
	Permissions int64
	RoleIDs     []string
	// AppPermissions are the bot's own permissions in the channel
	// (interactions; 0 when Discord does not say).
	AppPermissions int64
	// Attachments are files attached to a command, by ID.
	Attachments map[string]*discordgo.MessageAttachment
	// Defer, set by the transport when it can, tells the user the reply
	// is coming ("futurebot is thinking…"); the reply then edits it.
	Defer func()
}

// String returns option name as a string, or "".
func (r *Request) String(name string) string {
	switch v := r.Options[name].(type) {
	case string:
		return v
	case float64:
		return fmt.Sprint(v)
	}
	return ""
}

// Bool returns option name as a bool.
func (r *Request) Bool(name string) bool {
	b, _ := r.Options[name].(bool)
	return b
}

// Int returns option name as an int, or def.
func (r *Request) Int(name string, def int) int {
	if f, ok := r.Options[name].(float64); ok && f >= -1e9 && f <= 1e9 {
		return int(f)
	}
	return def
}

// Response is what a handler returns.
type Response struct {
	Message *Message
	// Update replaces the message a button sits on instead of sending a new one.
	Update bool
	// Choices answer an autocomplete.
	Choices []*discordgo.ApplicationCommandOptionChoice
	// Progress, when set, delivers later versions of the message: each one
	// replaces the reply, until the channel is closed.
	Progress <-chan Message
}

// Handler handles one request and returns the response data; it does not
// talk to Discord itself.
type Handler func(ctx context.Context, req *Request) (*Response, error)

// Middleware wraps a handler.
type Middleware func(Handler) Handler

// Router finds the handler for a request by kind and name and runs it
// through the middleware.
type Router struct {
	handlers   map[Kind]map[string]Handler
	middleware []Middleware
}

// NewRouter returns a router that wraps every handler in mw, outermost first.
func NewRouter(mw ...Middleware) *Router {
	return &Router{handlers: map[Kind]map[string]Handler{}, middleware: mw}
}

// Handle registers h for requests of kind named name. Registering a name
// twice is a programming error and panics.
func (r *Router) Handle(kind Kind, name string, h Handler) {
	if r.handlers[kind] == nil {
		r.handlers[kind] = map[string]Handler{}
	}
	if _, dup := r.handlers[kind][name]; dup {
		panic(fmt.Sprintf("bot: %s handler %q registered twice", kind, name))
	}
	for i := len(r.middleware) - 1; i >= 0; i-- {
		h = r.middleware[i](h)
	}
	r.handlers[kind][name] = h
}

// errUnknown is returned for a request no handler takes.
var errUnknown = errors.New("no handler")

// Serve runs the handler for req.
func (r *Router) Serve(ctx context.Context, req *Request) (*Response, error) {
	h := r.handlers[req.Kind][req.Name]
	if h == nil {
		return nil, fmt.Errorf("%s %q: %w", req.Kind, req.Name, errUnknown)
	}
	return h(ctx, req)
}

// errPanic is what a recovered panic becomes.
var errPanic = errors.New("handler panicked")

// Recover turns a panic in a handler into an error; the stack goes to the
// log, the user gets an apology.
func Recover(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (resp *Response, err error) {
			defer func() {
				if p := recover(); p != nil {
					log.Error("handler panicked", "kind", req.Kind, "name", req.Name, "id", req.ID,
						"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					resp, err = nil, errPanic
				}
			}()
			return next(ctx, req)
		}
	}
}

// Deferral defers a request whose handler has not answered within after
// (see Request.Defer) and returns the handler's result once it has. It must
// wrap Recover: the handler runs on a goroutine of its own, which Deferral
// waits for.
func Deferral(after time.Duration) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (*Response, error) {
			if req.Defer == nil {
				return next(ctx, req)
			}
			type result struct {
				resp *Response
				err  error
			}
			done := make(chan result, 1)
			go func() {
				resp, err := next(ctx, req)
				done <- result{resp, err}
			}()
			timer := time.NewTimer(after)
			defer timer.Stop()
			select {
			case r := <-done:
				return r.resp, r.err
			case <-timer.C:
				req.Defer()
				r := <-done
				return r.resp, r.err
			}
		}
	}
}

// Logging logs every request with its ID, name and latency.
func Logging(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (*Response, error) {
			start := time.Now()
			resp, err := next(ctx, req)
			attrs := []any{"kind", req.Kind.String(), "name", req.Name, "id", req.ID, "user", req.UserID,
				"latency_ms", time.Since(start).Milliseconds()}
			if err != nil {
				log.Warn("request failed", append(attrs, "err", err)...)
			} else {
				log.Info("request", attrs...)
			}
			return resp, err
		}
	}
}

// Limiter decides whether a user may ask now; when not, it says how long
// to wait.
type Limiter interface {
	Allow(userID string) (bool, time.Duration)
}

// RateLimit refuses questions beyond the limiter's allowance with a
// friendly ephemeral note (autocomplete gets no choices). Buttons are not
// limited.
func RateLimit(l Limiter, limited func()) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (*Response, error) {
			if req.Kind == KindComponent {
				return next(ctx, req)
			}
			if ok, wait := l.Allow(req.UserID); !ok {
				if limited != nil {
					limited()
				}
				if req.Kind == KindAutocomplete {
					return &Response{}, nil
				}
				secs := int(wait.Seconds() + 0.999)
				m := TextMessage(fmt.Sprintf("You're asking quickly — please try again in %d s.", max(secs, 1)), true)
				return &Response{Message: &m}, nil
			}
			return next(ctx, req)
		}
	}
}

// parseInteraction turns an interaction into a Request, tolerating missing
// or odd fields.
func parseInteraction(i *discordgo.Interaction) (*Request, bool) {
	req := &Request{ID: i.ID, GuildID: i.GuildID, ChannelID: i.ChannelID, AppPermissions: i.AppPermissions, Options: map[string]any{}}
	switch {
	case i.Member != nil && i.Member.User != nil:
		req.UserID = i.Member.User.ID
		req.Permissions = i.Member.Permissions
		req.RoleIDs = i.Member.Roles
	case i.User != nil:
		req.UserID = i.User.ID
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			return nil, false
		}
		req.Kind = KindCommand
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			req.Kind = KindAutocomplete
		}
		req.Name = data.Name
		flattenOptions(data.Options, req)
		if data.Resolved != nil {
			req.Attachments = data.Resolved.Attachments
		}
		if data.TargetID != "" && data.Resolved != nil {
			if m := data.Resolved.Messages[data.TargetID]; m != nil {
				req.Message = m
				req.Text = m.Content
			}
		}
	case discordgo.InteractionMessageComponent:
		data, ok := i.Data.(discordgo.MessageComponentInteractionData)
		if !ok {
			return nil, false
		}
		req.Kind = KindComponent
		req.CustomID = data.CustomID
		req.Name, _, _ = strings.Cut(data.CustomID, ":")
		req.Message = i.Message
	default:
		return nil, false
	}
	return req, req.Name != ""
}

func flattenOptions(opts []*discordgo.ApplicationCommandInteractionDataOption, req *Request) {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if o.Focused {
			req.Focused = o.Name
		}
		if o.Value != nil {
			req.Options[o.Name] = o.Value
		}
		flattenOptions(o.Options, req)
	}
}
