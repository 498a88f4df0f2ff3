package bot_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"futurebot/answers"
	"futurebot/bot"
	"futurebot/bot/discordtest"
	"futurebot/corpus"
	"futurebot/index"
	"futurebot/lexicon"
	"futurebot/service"
)

const wait = 10 * time.Second

// harness is a bot running against a fake Discord with the built-in corpus.
type harness struct {
	fake   *discordtest.Fake
	bot    *bot.Bot
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
	cfg    bot.Config
	once   sync.Once
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	engineOnce sync.Once
	engine     *answers.Engine
	engineInfo service.IndexInfo
)

// sharedDir holds what the tests share (the index of sharedEngine);
// TestMain removes it when they end.
var sharedDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if engine != nil {
		sharedIndex.Close()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

var sharedIndex *index.Index

// sharedEngine builds the built-in corpus's index once for all tests.
func sharedEngine(t *testing.T) (*answers.Engine, service.IndexInfo) {
	engineOnce.Do(func() {
		c, _ := corpus.Load(corpus.Default())
		dir, err := os.MkdirTemp("", "futurebot-bot-test-")
		if err != nil {
			t.Fatal(err)
		}
		sharedDir = dir
		ix, err := index.Build(context.Background(), filepath.Join(dir, "ix"), c, "test", nil, index.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sharedIndex = ix
		m := ix.Meta()
		engineInfo = service.IndexInfo{Version: m.Version, Built: m.Built, Articles: m.Articles, FAQs: m.FAQs, Passages: m.Passages, Sources: m.Sources, SourceDates: m.SourceDates}
		engine = answers.New(ix, ix.Entities(), answers.Options{})
		// As serve does: the word tables are read before the first
		// question, which would otherwise wait for them (long under -race).
		lexicon.Load()
	})
	return engine, engineInfo
}

func start(t *testing.T, mod func(*bot.Config), eng bot.Engine) *harness {
	t.Helper()
	t.Parallel()
	return startWith(t, mod, eng)
}

func startWith(t *testing.T, mod func(*bot.Config), eng bot.Engine) *harness {
	t.Helper()
	fake := discordtest.New(t)
	client, err := bot.NewHTTPClient(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	e, info := sharedEngine(t)
	if eng == nil {
		eng = e
	}
	cfg := bot.Config{Token: "test-token-SECRET-abc123", HTTPClient: client, DataDir: t.TempDir(), GuildID: "300000000000000001",
		DeferAfter: 1500 * time.Millisecond, Grace: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, err := bot.New(cfg, eng, func() service.IndexInfo { return info }, log, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{fake: fake, bot: b, logs: logs, cancel: cancel, done: make(chan error, 1), cfg: cfg}
	go func() { h.done <- b.Run(ctx) }()
	select {
	case <-b.Registered():
	case err := <-h.done:
		t.Fatalf("bot stopped: %v", err)
	case <-time.After(wait):
		t.Fatal("commands not registered in time")
	}
	// Close only after the first heartbeat, or discordgo may reconnect forever.
	fake.Wait(wait, func() bool { _, _, hb := fake.Counts(); return hb > 0 })
	t.Cleanup(func() {
		h.stop(t)
		if strings.Contains(logs.String(), cfg.Token) {
			t.Errorf("the token appears in the logs")
		}
	})
	return h
}

// stop stops the bot as SIGTERM would and waits for Run to return.
func (h *harness) stop(t *testing.T) {
	h.once.Do(func() {
		h.cancel()
		select {
		case <-h.done:
		case <-time.After(2 * wait):
			t.Error("bot did not stop")
		}
	})
}

// reply waits for the reply to interaction id: the callback, or the edit of
// a deferred one, and returns its message data.
func (h *harness) reply(t *testing.T, id string) (int, map[string]any) {
	t.Helper()
	var typ int
	var data map[string]any
	h.fake.WaitRequest(t, wait, "reply to "+id, func(r discordtest.Request) bool {
		switch {
		case r.Method == "POST" && strings.HasPrefix(r.Path, "/interactions/"+id+"/"):
			var resp struct {
				Type int            `json:"type"`
				Data map[string]any `json:"data"`
			}
			json.Unmarshal(r.Body, &resp)
			if resp.Type == 5 || resp.Type == 6 {
				return false // deferred: wait for the edit
			}
			typ, data = resp.Type, resp.Data
			return true
		case r.Method == "PATCH" && strings.Contains(r.Path, "/tok-"+id+"/messages/@original"):
			json.Unmarshal(r.Body, &data)
			typ = -1
			return true
		}
		return false
	})
	return typ, data
}

func embedText(data map[string]any) string {
	raw, _ := json.Marshal(data["embeds"])
	return string(raw)
}

// assertNoPings checks a message's allowed_mentions: an empty parse list.
func assertNoPings(t *testing.T, data map[string]any) {
	t.Helper()
	am, ok := data["allowed_mentions"].(map[string]any)
	if !ok {
		t.Fatalf("message has no allowed_mentions: %v", data)
	}
	parse, ok := am["parse"].([]any)
	if !ok || len(parse) != 0 {
		t.Errorf("allowed_mentions.parse = %v, want an empty list", am["parse"])
	}
}

func TestRegistersCommands(t *testing.T) {
	h := start(t, nil, nil)
	r := h.fake.WaitRequest(t, wait, "command registration", func(r discordtest.Request) bool {
		return r.Method == "PUT" && strings.HasSuffix(r.Path, "/guilds/300000000000000001/commands")
	})
	var cmds []struct {
		Name        string `json:"name"`
		Type        int    `json:"type"`
		Description string `json:"description"`
		Options     []struct {
			Name         string `json:"name"`
			Autocomplete bool   `json:"autocomplete"`
		} `json:"options"`
	}
	if err := r.JSON(&cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
		if c.Type != 3 && (len(c.Description) < 1 || len(c.Description) > 100) {
			t.Errorf("/%s description has %d characters", c.Name, len(c.Description))
		}
	}
	want := "ask,search,sector,company,policy,sources,help,Ask futurebot,gaps,settings"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("registered %s, want %s", got, want)
	}
	if !cmds[0].Options[0].Autocomplete || !cmds[2].Options[0].Autocomplete {
		t.Error("ask question and sector name should autocomplete")
	}
}

func TestAskCommand(t *testing.T) {
	h := start(t, nil, nil)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("900000000000000001", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "Who are the Six Little Dragons? @everyone", false)), nil))
	typ, data := h.reply(t, "900000000000000001")
	if typ != 4 && typ != -1 {
		t.Errorf("reply type %d", typ)
	}
	text := embedText(data)
	for _, want := range []string{"DeepSeek", "Manycore", "https://www.scmp.com/", "[1]", "Confidence"} {
		if !strings.Contains(text, want) {
			t.Errorf("answer lacks %q: %s", want, text)
		}
	}
	if strings.Contains(text, "@everyone") {
		t.Errorf("@everyone left intact: %s", text)
	}
	assertNoPings(t, data)
	if flags, _ := data["flags"].(float64); int(flags)&64 != 0 {
		t.Error("public /ask came back ephemeral")
	}
}

func TestPrivateAskIsEphemeral(t *testing.T) {
	h := start(t, nil, nil)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("900000000000000002", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false), discordtest.Option("private", true, false)), nil))
	_, data := h.reply(t, "900000000000000002")
	if flags, _ := data["flags"].(float64); int(flags)&64 == 0 {
		t.Errorf("private /ask not ephemeral: flags %v", data["flags"])
	}
}
