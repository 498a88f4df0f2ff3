// Package bot is futurebot on Discord: slash commands, autocomplete,
// questions in channels, buttons. It is the only package that knows
// discordgo; answers come from an Engine.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/ratelimit"
	"futurebot/service"
)

// Engine answers questions; answers.Engine satisfies it.
type Engine interface {
	Ask(ctx context.Context, question string) (answers.Answer, error)
	Lookup(ctx context.Context, kind corpus.EntityKind, name string) (answers.Card, error)
	Resolve(kind corpus.EntityKind, name string, n int) []answers.EntityMatch
	SuggestQuestions(ctx context.Context, typed string, n int) ([]string, error)
	Search(ctx context.Context, q corpus.Query) (corpus.Results, error)
}

// Config is what the bot needs to run.
type Config struct {
	Token string
	// GuildID registers commands in one guild (instantly) instead of globally.
	GuildID string
	// AskChannels are channels where questions are answered without a mention.
	AskChannels []string
	AdminRoles  []string
	AdminUsers  []string
	// RateLimit is questions per user per minute (0: unlimited).
	RateLimit int
	// ShardID and ShardCount shard the gateway connection (ShardCount 0: no sharding).
	ShardID, ShardCount int
	// HTTPClient talks to Discord's REST API (see NewHTTPClient).
	HTTPClient *http.Client
	// DataDir is where feedback is appended (feedback.jsonl).
	DataDir string
	// DeferAfter is how long a reply may take before it is deferred.
	DeferAfter time.Duration
	// Grace bounds how long shutdown waits for replies in flight.
	Grace time.Duration
	// Admin, when set, enables /reindex, /ingest and /forget.
	Admin Admin
	// MaxIngestBytes caps files sent to /ingest (default 2 MiB).
	MaxIngestBytes int64
	// HTTPOnly runs without a token: no gateway (so no mentions or
	// ask-channels) and no command registration; interactions arrive over
	// the HTTP endpoint and replies are edited with their own tokens.
	HTTPOnly bool
}

// Bot is futurebot connected to Discord.
type Bot struct {
	cfg     Config
	engine  Engine
	info    func() service.IndexInfo
	log     *slog.Logger
	metrics *metrics
	router  *Router
	session *discordgo.Session

	selfID    atomic.Value // string
	appID     atomic.Value // string
	connected atomic.Bool
	readyOnce atomic.Bool
	closing   atomic.Bool
	workMu    sync.Mutex    // orders begin against shutdown
	quit      chan struct{} // closed when shutdown begins
	work      *tracker      // the replies and registration in flight
	seen      *seenSet
	feedback  *feedbackLog
	registerd chan struct{}
	regOnce   sync.Once
}

// New returns a bot; Run connects it.
func New(cfg Config, engine Engine, info func() service.IndexInfo, log *slog.Logger, reg prometheus.Registerer) (*Bot, error) {
	if cfg.Token == "" && !cfg.HTTPOnly {
		return nil, errors.New("no Discord token")
	}
	if cfg.DeferAfter == 0 {
		cfg.DeferAfter = 1500 * time.Millisecond
	}
	if cfg.Grace == 0 {
		cfg.Grace = 10 * time.Second
	}
	if cfg.MaxIngestBytes == 0 {
		cfg.MaxIngestBytes = 2 << 20
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient, _ = NewHTTPClient("")
	}
	log = log.With("component", "bot")
	auth := ""
	if cfg.Token != "" {
		auth = "Bot " + cfg.Token
	}
	s, err := discordgo.New(auth)
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	s.Client = cfg.HTTPClient
	s.LogLevel = discordgo.LogWarning
	s.StateEnabled = false
	s.ShouldRetryOnRateLimit = true
	s.MaxRestRetries = 3
	s.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if len(cfg.AskChannels) > 0 {
		s.Identify.Intents |= discordgo.IntentsMessageContent
	}
	if cfg.ShardCount > 0 {
		s.ShardID, s.ShardCount = cfg.ShardID, cfg.ShardCount
	}
	b := &Bot{cfg: cfg, engine: engine, info: info, log: log, metrics: newMetrics(reg), session: s,
		seen: newSeenSet(8192), feedback: newFeedbackLog(cfg.DataDir), work: newTracker(), registerd: make(chan struct{}), quit: make(chan struct{})}
	b.selfID.Store("")
	b.appID.Store("")
	b.router = NewRouter(Logging(log), Recover(log), RateLimit(ratelimit.New(cfg.RateLimit), b.metrics.rateLimited.Inc))
	b.routes()
	// Handlers run in the order events arrive, on the gateway's goroutine;
	// each reply is made on a goroutine of its own (see Idle).
	s.SyncEvents = true
	s.AddHandler(b.onReady)
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Connect) { b.connected.Store(true) })
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) { b.connected.Store(false) })
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) {
		b.connected.Store(true)
		b.metrics.reconnects.Inc()
	})
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)
	return b, nil
}

// Run connects to Discord, registers the commands and answers until ctx is
// done; then it stops taking work, lets replies in flight finish (up to the
// grace period) and disconnects.
func (b *Bot) Run(ctx context.Context) error {
	sinksMu.Lock()
	sinks[b] = struct{}{}
	sinksMu.Unlock()
	defer func() {
		sinksMu.Lock()
		delete(sinks, b)
		sinksMu.Unlock()
	}()
	if b.cfg.Token == "" {
		b.log.Warn("no DISCORD_TOKEN: serving HTTP interactions only; no gateway (mentions, ask-channels) and no command registration")
	} else if err := b.session.Open(); err != nil {
		return fmt.Errorf("connect to Discord: %w", err)
	}
	<-ctx.Done()
	// From here no work begins (begin checks closing under workMu), so
	// waiting for the work in flight cannot race with a new Add.
	b.workMu.Lock()
	b.closing.Store(true)
	b.workMu.Unlock()
	close(b.quit)
	select {
	case <-b.work.idle():
	case <-time.After(b.cfg.Grace):
		b.log.Warn("shutdown grace period over with replies still in flight")
	}
	b.connected.Store(false)
	if b.cfg.Token == "" {
		return nil
	}
	return b.session.Close()
}

// Connected reports whether the gateway connection is up.
func (b *Bot) Connected() bool { return b.connected.Load() }

// Registered is closed once the commands have been registered.
func (b *Bot) Registered() <-chan struct{} { return b.registerd }

func (b *Bot) onReady(s *discordgo.Session, r *discordgo.Ready) {
	b.connected.Store(true)
	if r.User != nil {
		b.selfID.Store(r.User.ID)
	}
	switch {
	case r.Application != nil && r.Application.ID != "":
		b.appID.Store(r.Application.ID)
	case r.User != nil:
		// A bot's application ID is its user ID.
		b.log.Info("READY carried no application; using the bot's user ID as the application ID")
		b.appID.Store(r.User.ID)
	}
	if b.readyOnce.Swap(true) {
		b.metrics.reconnects.Inc()
		return
	}
	// Register in a goroutine: the READY handler must not block the gateway.
	if b.begin() {
		go func() {
			defer b.work.done()
			b.register()
		}()
	}
}

func (b *Bot) register() {
	app := b.appID.Load().(string)
	if app == "" {
		b.log.Error("READY carried no application ID; commands not registered")
		return
	}
	cmds, err := b.session.ApplicationCommandBulkOverwrite(app, b.cfg.GuildID, Commands(b.cfg.Admin != nil))
	if err != nil {
		b.log.Error("registering commands failed", "err", err)
		return
	}
	where := "globally (may take up to an hour to appear)"
	if b.cfg.GuildID != "" {
		where = "in guild " + b.cfg.GuildID
	}
	b.log.Info("commands registered", "count", len(cmds), "where", where)
	b.regOnce.Do(func() { close(b.registerd) })
}

// begin counts a piece of work in flight unless the bot is shutting down.
func (b *Bot) begin() bool {
	b.workMu.Lock()
	defer b.workMu.Unlock()
	if b.closing.Load() {
		return false
	}
	b.work.add()
	return true
}

// Idle returns a channel that is closed while no reply is in flight. Events
// are handled in the order they arrive, so once the reply to one event has
// been seen, waiting for Idle waits for every event before it too.
func (b *Bot) Idle() <-chan struct{} { return b.work.idle() }

// tracker counts the work in flight and says when there is none.
type tracker struct {
	mu   sync.Mutex
	n    int
	none chan struct{} // closed while n == 0
}

func newTracker() *tracker {
	t := &tracker{none: make(chan struct{})}
	close(t.none)
	return t
}

func (t *tracker) add() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == 0 {
		t.none = make(chan struct{})
	}
	t.n++
}

func (t *tracker) done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 {
		close(t.none)
	}
}

func (t *tracker) idle() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.none
}

// workContext is the context of one reply: not tied to shutdown, so replies
// in flight finish, but bounded.
func workContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 2*time.Minute)
}

func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil {
		return
	}
	i := ic.Interaction
	// Events arrive in order on the gateway's goroutine; the reply is made
	// on its own, counted as work in flight.
	if !b.accept(i) {
		return
	}
	go func() {
		defer b.work.done()
		b.serveInteraction(i, func(r *discordgo.InteractionResponse) error {
			return retry(func() error { return s.InteractionRespond(i, r) })
		})
	}()
}

// accept takes an interaction as work in flight, once: replayed
// interactions and those arriving during shutdown are not.
func (b *Bot) accept(i *discordgo.Interaction) bool {
	return b.seen.add("i:"+i.ID) && b.begin()
}

// handleInteraction answers one interaction from the HTTP endpoint (see
// serveInteraction).
func (b *Bot) handleInteraction(i *discordgo.Interaction, respond func(*discordgo.InteractionResponse) error) {
	if !b.accept(i) {
		return
	}
	defer b.work.done()
	b.serveInteraction(i, respond)
}

// serveInteraction answers one accepted interaction, from the gateway or
// the HTTP endpoint: respond sends the first response (the reply, or a
// deferral), and later edits of it go through the REST API with the
// interaction's own token.
func (b *Bot) serveInteraction(i *discordgo.Interaction, respond func(*discordgo.InteractionResponse) error) {
	s := b.session
	req, ok := parseInteraction(i)
	if !ok {
		if b.seen.add(fmt.Sprintf("unknown-type:%d", i.Type)) {
			b.log.Info("ignoring interactions of an unknown type or shape (logged once per type)", "type", int(i.Type), "id", i.ID)
		}
		return
	}
	req.Ephemeral = req.Bool("private") || (req.Kind == KindComponent && req.Name != idPage) ||
		req.Name == cmdReindex || req.Name == cmdIngest || req.Name == cmdForget
	ctx, cancel := workContext()
	defer cancel()
	if req.Kind == KindAutocomplete {
		resp, err := b.router.Serve(ctx, req)
		var choices []*discordgo.ApplicationCommandOptionChoice
		if err == nil && resp != nil {
			choices = resp.Choices
		}
		if choices == nil {
			choices = []*discordgo.ApplicationCommandOptionChoice{}
		}
		if err := respond(&discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: choices}}); err != nil {
			b.log.Warn("autocomplete reply failed", "id", i.ID, "err", err)
		}
		return
	}
	type result struct {
		resp *Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := b.router.Serve(ctx, req)
		done <- result{resp, err}
	}()
	var r result
	deferred := false
	select {
	case r = <-done:
	case <-time.After(b.cfg.DeferAfter):
		deferred = true
		typ := discordgo.InteractionResponseDeferredChannelMessageWithSource
		var flags discordgo.MessageFlags
		if req.Kind == KindComponent && req.Name == idPage {
			typ = discordgo.InteractionResponseDeferredMessageUpdate
		} else if req.Ephemeral {
			flags = discordgo.MessageFlagsEphemeral
		}
		if err := respond(&discordgo.InteractionResponse{Type: typ, Data: &discordgo.InteractionResponseData{Flags: flags}}); err != nil {
			b.log.Warn("deferring the reply failed", "id", i.ID, "err", err)
		}
		r = <-done
	}
	msg := b.messageFor(req, r.resp, r.err)
	if msg == nil {
		if !deferred {
			// Every interaction needs a response; an empty one acknowledges it.
			if err := respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}); err != nil {
				b.log.Warn("acknowledging the interaction failed", "id", i.ID, "name", req.Name, "err", err)
			}
		}
		return
	}
	// Replies to an interaction are safe to retry: Discord takes one
	// response per interaction, and an edit of the original is idempotent.
	var err error
	switch {
	case deferred:
		err = retry(func() error { _, err := s.InteractionResponseEdit(i, msg.webhookEdit()); return err })
	case r.resp != nil && r.resp.Update:
		err = respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: msg.interactionData()})
	default:
		err = respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: msg.interactionData()})
	}
	if err != nil {
		b.log.Warn("reply failed", "id", i.ID, "name", req.Name, "err", err)
	}
	if r.resp != nil && r.resp.Progress != nil {
		for m := range r.resp.Progress {
			if err := retry(func() error { _, err := s.InteractionResponseEdit(i, m.webhookEdit()); return err }); err != nil {
				b.log.Warn("progress edit failed", "id", i.ID, "err", err)
			}
		}
	}
}

// messageFor turns a handler's result into the message to send; errors
// become a short apology, the detail stays in the log.
func (b *Bot) messageFor(req *Request, resp *Response, err error) *Message {
	switch {
	case errors.Is(err, errPanic):
		m := TextMessage("Sorry — something broke on my side while answering. It has been logged; please try again.", true)
		return &m
	case errors.Is(err, errUnknown):
		m := TextMessage("I don't know that command or button any more. Try /help.", true)
		return &m
	case err != nil:
		m := TextMessage("Sorry — I couldn't answer that just now. Please try again in a moment.", true)
		return &m
	case resp == nil || resp.Message == nil:
		return nil
	}
	return resp.Message
}

// retry runs f again after Discord answers 500, 503 or 504 (discordgo
// itself retries 429 and 502), up to three attempts in all.
func retry(f func() error) error {
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 250 * time.Millisecond)
		}
		if err = f(); !serverError(err) {
			return err
		}
	}
	return err
}

func serverError(err error) bool {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return false
	}
	switch re.Response.StatusCode {
	case 500, 503, 504:
		return true
	}
	return false
}

var mentionRe = regexp.MustCompile(`<@!?(\d+)>`)

// onMessage answers a channel message that mentions the bot, or one in an
// ask-channel that reads as a question, with a reply that references it.
func (b *Bot) onMessage(s *discordgo.Session, mc *discordgo.MessageCreate) {
	if mc == nil || mc.Message == nil || mc.Author == nil {
		return
	}
	m := mc.Message
	self := b.selfID.Load().(string)
	if m.Author.Bot || m.WebhookID != "" || m.Author.ID == self || self == "" {
		return
	}
	mentioned := slices.ContainsFunc(m.Mentions, func(u *discordgo.User) bool { return u != nil && u.ID == self }) ||
		strings.Contains(m.Content, "<@"+self+">") || strings.Contains(m.Content, "<@!"+self+">")
	question := strings.TrimSpace(mentionRe.ReplaceAllStringFunc(m.Content, func(tok string) string {
		if strings.Contains(tok, self) {
			return ""
		}
		return tok
	}))
	// A direct message is a conversation with the bot: it counts as an
	// ask-channel.
	askChannel := slices.Contains(b.cfg.AskChannels, m.ChannelID) || m.GuildID == ""
	if !mentioned && !(askChannel && readsAsQuestion(question)) {
		return
	}
	if !b.seen.add("m:"+m.ID) || !b.begin() {
		return
	}
	go func() {
		defer b.work.done()
		b.answerMessage(s, m, question)
	}()
}

// answerMessage replies to an accepted channel message.
func (b *Bot) answerMessage(s *discordgo.Session, m *discordgo.Message, question string) {
	if err := s.ChannelTyping(m.ChannelID); err != nil {
		b.log.Debug("typing indicator failed", "err", err)
	}
	req := &Request{Kind: KindMessage, Name: "message", ID: m.ID, UserID: m.Author.ID, GuildID: m.GuildID,
		ChannelID: m.ChannelID, Message: m, Text: question, Options: map[string]any{}}
	ctx, cancel := workContext()
	defer cancel()
	resp, err := b.router.Serve(ctx, req)
	msg := b.messageFor(req, resp, err)
	if msg == nil {
		return
	}
	ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}
	if msg.Ephemeral {
		// A channel reply cannot be private; keep it short and neutral.
		msg.Ephemeral = false
	}
	// Not retried: a message Discord half-accepted could appear twice.
	if _, err := s.ChannelMessageSendComplex(m.ChannelID, msg.messageSend(ref)); err != nil {
		b.log.Warn("reply to message failed", "message", m.ID, "err", err)
	}
}

var questionStart = regexp.MustCompile(`(?i)^(who|whom|whose|what|which|when|where|why|how|is|are|was|were|do|does|did|can|could|should|will|would|has|have|tell me|explain|list|name)\b`)

// readsAsQuestion reports whether a message in an ask-channel is a question
// rather than chat.
func readsAsQuestion(s string) bool {
	s = strings.TrimSpace(s)
	if corpus.CountWords(s) < 2 {
		return false
	}
	return strings.HasSuffix(s, "?") || strings.HasSuffix(s, "？") || questionStart.MatchString(s)
}

// seenSet remembers recent IDs so a replayed event is handled once.
type seenSet struct {
	mu    sync.Mutex
	ids   map[string]struct{}
	order []string
	cap   int
}

func newSeenSet(n int) *seenSet { return &seenSet{ids: map[string]struct{}{}, cap: n} }

// add records id and reports whether it is new.
func (s *seenSet) add(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[id]; ok {
		return false
	}
	s.ids[id] = struct{}{}
	s.order = append(s.order, id)
	if len(s.order) > s.cap {
		delete(s.ids, s.order[0])
		s.order = s.order[1:]
	}
	return true
}

// discordgo has one package-wide logger; it is routed to every bot in the
// process (there is one in production; tests run several).
var (
	sinksMu sync.Mutex
	sinks   = map[*Bot]struct{}{}
)

func init() {
	discordgo.Logger = func(level, caller int, format string, a ...interface{}) {
		msg := fmt.Sprintf(format, a...)
		sinksMu.Lock()
		defer sinksMu.Unlock()
		for b := range sinks {
			b.discordLog(level, msg)
		}
	}
}

// discordLog logs a discordgo line with the token redacted, and explains a
// refused privileged intent.
func (b *Bot) discordLog(level int, msg string) {
	if b.cfg.Token != "" {
		msg = strings.ReplaceAll(msg, b.cfg.Token, "[redacted]")
	}
	if strings.Contains(msg, "4014") {
		b.log.Error("Discord refused the Message Content intent that ASK_CHANNEL_IDS needs: enable \"Message Content Intent\" " +
			"under Bot > Privileged Gateway Intents in the Discord developer portal, or unset ASK_CHANNEL_IDS")
	}
	lvl := slog.LevelInfo
	switch level {
	case discordgo.LogError:
		lvl = slog.LevelError
	case discordgo.LogWarning:
		lvl = slog.LevelWarn
	case discordgo.LogDebug:
		lvl = slog.LevelDebug
	}
	b.log.Log(context.Background(), lvl, "discordgo: "+msg)
}
