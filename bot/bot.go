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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/gaps"
	"futurebot/ratelimit"
	"futurebot/service"
)

// Engine is what the bot's handlers use of the answering engine;
// answers.Engine and the running library satisfy it.
type Engine interface {
	Answerer
	Looker
	Searcher
}

// Answerer answers questions (/ask, mentions) and completes them as they
// are typed.
type Answerer interface {
	Ask(ctx context.Context, question string) (answers.Answer, error)
	// AskExplained answers as Ask does and says how ("Why this answer?").
	AskExplained(ctx context.Context, question string) (answers.Answer, error)
	SuggestQuestions(ctx context.Context, typed string, n int) ([]string, error)
	// FollowUp reads a question asked in a conversation, given the
	// questions before it as understood (threads).
	FollowUp(earlier []string, question string) (string, bool)
}

// Looker finds sectors, companies and policies by name and describes them
// (/sector, /company, /policy and their autocomplete).
type Looker interface {
	Lookup(ctx context.Context, kind corpus.EntityKind, name string) (answers.Card, error)
	Resolve(kind corpus.EntityKind, name string, n int) []answers.EntityMatch
}

// Searcher lists matching passages (/search).
type Searcher interface {
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
	// Gaps, when set, records declined questions and 👎 (GAPS_LOG) for
	// /gaps.
	Gaps *gaps.Log
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
	channels  *channelStore // /settings
	threads   *threadStore  // the threads the bot opened, and their conversations
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
	// A token copied with its "Bot " prefix is taken once, not doubled.
	cfg.Token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.Token), "Bot "))
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
	channels, err := loadChannels(cfg.DataDir)
	if err != nil {
		log.Error("reading the channels' settings failed", "err", err)
	}
	b.channels = channels
	threads, err := loadThreads(cfg.DataDir, time.Now)
	if err != nil {
		log.Error("reading the bot's threads failed", "err", err)
	}
	b.threads = threads
	b.router = NewRouter(Deferral(cfg.DeferAfter), Logging(log), Recover(log), RateLimit(ratelimit.New(cfg.RateLimit), b.metrics.rateLimited.Inc))
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
		// discordgo's error carries Discord's reply, which may echo what
		// was sent: it passes the same redaction as the logs.
		msg := b.redact(err.Error())
		if strings.Contains(msg, "401") {
			return errors.New("the token was refused by Discord (HTTP 401): copy it again from the developer portal " +
				"(your application > Bot > Reset Token) into DISCORD_TOKEN, without quotes")
		}
		return errors.New("connect to Discord: " + msg)
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

// redact removes the token from text bound for a log or an error.
func (b *Bot) redact(s string) string {
	if b.cfg.Token == "" {
		return s
	}
	return strings.ReplaceAll(s, b.cfg.Token, "[redacted]")
}

// discordLog logs a discordgo line with the token redacted, and explains a
// refused privileged intent.
func (b *Bot) discordLog(level int, msg string) {
	msg = b.redact(msg)
	switch {
	case strings.Contains(msg, "4014"):
		b.log.Error("Discord refused the Message Content intent that ASK_CHANNEL_IDS needs: enable \"Message Content Intent\" " +
			"under Bot > Privileged Gateway Intents in the Discord developer portal, or unset ASK_CHANNEL_IDS")
	case strings.Contains(msg, "4004"):
		b.log.Error("Discord closed the gateway: authentication failed (4004). The token is wrong or was reset: copy it again " +
			"from the developer portal (your application > Bot > Reset Token) into DISCORD_TOKEN")
	case strings.Contains(msg, "4013"):
		b.log.Error("Discord closed the gateway: invalid intents (4013). This futurebot asks for intents Discord does not know; " +
			"update futurebot")
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
