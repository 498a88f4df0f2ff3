package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"futurebot/api"
	"futurebot/bot"
	"futurebot/lexicon"
	"futurebot/library"
)

// serveCommand runs the Discord bot.
type serveCommand struct{}

// botSettings are the settings only the bot needs.
type botSettings struct {
	cfg              bot.Config
	httpAddr         string
	apiURL           string
	watch            bool
	interactionsAddr string
	publicKey        ed25519.PublicKey
}

const noTokenHelp = `DISCORD_TOKEN is not set. The bot needs a Discord bot token: create an application at
https://discord.com/developers/applications, add a bot, copy its token into DISCORD_TOKEN
(environment or .env). docs/discord.md walks through it.
Without a token, "futurebot ask" answers questions from the command line.`

// readBotSettings reads and checks every bot setting, naming each problem.
func readBotSettings(c *config) (botSettings, error) {
	var s botSettings
	var problems []string
	s.cfg.Token = c.lookup("DISCORD_TOKEN", "")
	s.interactionsAddr = c.lookup("INTERACTIONS_ADDR", "")
	if s.cfg.Token == "" && s.interactionsAddr == "" {
		return s, configError([]string{noTokenHelp})
	}
	s.cfg.HTTPOnly = s.cfg.Token == ""
	if s.interactionsAddr != "" {
		if _, port, err := net.SplitHostPort(s.interactionsAddr); err != nil || port == "" {
			problems = append(problems, fmt.Sprintf("INTERACTIONS_ADDR %q: want host:port such as :8081", s.interactionsAddr))
		}
		key, err := bot.ParsePublicKey(c.lookup("DISCORD_PUBLIC_KEY", ""))
		if err != nil {
			problems = append(problems, err.Error()+" (needed by INTERACTIONS_ADDR; developer portal > General Information)")
		}
		s.publicKey = key
	}
	ids := func(key string) []string {
		var out []string
		for _, f := range strings.FieldsFunc(c.lookup(key, ""), func(r rune) bool { return r == ',' || r == ' ' }) {
			if _, err := strconv.ParseUint(f, 10, 64); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %q is not a Discord ID (a number)", key, f))
				continue
			}
			out = append(out, f)
		}
		return out
	}
	if g := ids("DISCORD_GUILD_ID"); len(g) > 1 {
		problems = append(problems, "DISCORD_GUILD_ID: give one guild ID")
	} else if len(g) == 1 {
		s.cfg.GuildID = g[0]
	}
	s.cfg.AskChannels = ids("ASK_CHANNEL_IDS")
	s.cfg.AdminRoles = ids("ADMIN_ROLE_IDS")
	s.cfg.AdminUsers = ids("ADMIN_USER_IDS")
	num := func(key, def string) int {
		v := c.lookup(key, def)
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			problems = append(problems, fmt.Sprintf("%s: %q is not a whole number of 0 or more", key, v))
		}
		return n
	}
	s.cfg.RateLimit = num("RATE_LIMIT", "6")
	s.cfg.ShardID = num("SHARD_ID", "0")
	s.cfg.ShardCount = num("SHARD_COUNT", "0")
	if s.cfg.ShardCount > 0 && s.cfg.ShardID >= s.cfg.ShardCount {
		problems = append(problems, fmt.Sprintf("SHARD_ID %d must be below SHARD_COUNT %d", s.cfg.ShardID, s.cfg.ShardCount))
	}
	s.httpAddr = c.httpAddr()
	if s.httpAddr != "" {
		if _, port, err := net.SplitHostPort(s.httpAddr); err != nil || port == "" {
			problems = append(problems, fmt.Sprintf("HTTP_ADDR %q: want host:port such as :8080 (empty to disable)", s.httpAddr))
		}
	}
	s.apiURL = c.lookup("DISCORD_API_URL", "")
	client, err := bot.NewHTTPClient(s.apiURL)
	if err != nil {
		problems = append(problems, err.Error())
	}
	s.cfg.HTTPClient = client
	s.cfg.DataDir = c.DataDir
	if _, err := c.maxFailed(); err != nil {
		problems = append(problems, err.Error())
	}
	if _, err := c.staleAfter(); err != nil {
		problems = append(problems, err.Error())
	}
	if g, err := c.gapsLog(); err != nil {
		var ce configErr
		if errors.As(err, &ce) {
			problems = append(problems, ce...)
		}
	} else {
		s.cfg.Gaps = g
	}
	switch w := strings.ToLower(c.lookup("WATCH_CORPUS", "false")); w {
	case "true", "1", "yes", "on":
		s.watch = true
		if c.CorpusDir == "" {
			problems = append(problems, "WATCH_CORPUS needs CORPUS_DIR: the built-in corpus never changes")
		}
	case "false", "0", "no", "off":
	default:
		problems = append(problems, fmt.Sprintf("WATCH_CORPUS %q: want true or false", w))
	}
	if len(problems) > 0 {
		return s, configError(problems)
	}
	return s, nil
}

func (*serveCommand) Run(ctx context.Context, m *Main, args []string) error {
	c, _, err := m.setup("serve", true, args, nil)
	if c == nil {
		return err
	}
	// Every problem at once: the common settings' and the bot's.
	settings, serr := readBotSettings(c)
	if err != nil || serr != nil {
		return joinConfigErrors(err, serr)
	}
	log := c.logger(m)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	opts, err := c.libraryOptions(log)
	if err != nil {
		return err
	}
	opts.Watch, opts.Registerer = settings.watch, reg
	// SIGHUP reindexes; caught from the start, so that one sent while the
	// index opens does not end the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	lib, err := library.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer lib.Close()
	settings.cfg.Admin = lib
	b, err := bot.New(settings.cfg, lib, lib.Info, log, reg)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-hup:
				if _, started := lib.Reindex("SIGHUP"); !started {
					log.Info("SIGHUP: a reindex is already running")
				}
			case <-bg.Done():
				return
			}
		}
	}()
	if settings.httpAddr != "" {
		srv, err := serveHTTP(settings.httpAddr, b, api.Handler(lib, settings.cfg.RateLimit, log), reg, log)
		if err != nil {
			return err
		}
		defer srv.stop(log)
	}
	if settings.interactionsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("/interactions", b.InteractionsHandler(settings.publicKey))
		isrv, err := listenAndServe(settings.interactionsAddr, mux, "INTERACTIONS_ADDR", log)
		if err != nil {
			return err
		}
		defer isrv.stop(log)
	}
	lexicon.Load() // the word tables answers use, read now rather than on the first question
	log.Info("starting the Discord bot", "guild", settings.cfg.GuildID, "ask_channels", len(settings.cfg.AskChannels),
		"http", settings.httpAddr, "api", apiName(settings.apiURL))
	err = b.Run(ctx)
	stopBG()
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

func apiName(u string) string {
	if u == "" {
		return "https://discord.com"
	}
	return u
}

// serveHTTP serves /healthz, /metrics and the API on addr.
func serveHTTP(addr string, b *bot.Bot, apiHandler http.Handler, reg *prometheus.Registry, log *slog.Logger) (*server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", b.ServeHealth)
	mux.Handle("/api/", apiHandler)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return listenAndServe(addr, mux, "HTTP_ADDR", log)
}

// server is an HTTP server and the goroutine that serves it.
type server struct {
	srv  *http.Server
	done chan struct{}
}

// listenAndServe serves h on addr until stopped, and logs the address it
// got (":0" picks a free port).
func listenAndServe(addr string, h http.Handler, setting string, log *slog.Logger) (*server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", setting, addr, err)
	}
	log.Info("listening", "setting", setting, "addr", ln.Addr().String())
	s := &server{srv: &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second}, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("HTTP server stopped", "setting", setting, "err", err)
		}
	}()
	return s, nil
}

// stop lets requests in flight finish (up to 5 s) and waits for the server.
func (s *server) stop(log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		log.Warn("HTTP server did not stop cleanly", "err", err)
		s.srv.Close()
	}
	<-s.done
}
