package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"futurebot/bot/discordtest"
)

func TestServeWithoutToken(t *testing.T) {
	_, stderr, code := run(t, "", nil, "", "serve")
	if code != exitUsage || !strings.Contains(stderr, "DISCORD_TOKEN") || !strings.Contains(stderr, "futurebot ask") ||
		!strings.Contains(stderr, "docs/discord.md") {
		t.Errorf("no token: exit %d, stderr:\n%s", code, stderr)
	}
	_, stderr, code = run(t, "", nil, "")
	if code != exitUsage || !strings.Contains(stderr, "DISCORD_TOKEN") {
		t.Errorf("no subcommand runs the bot: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestServeBadSettings(t *testing.T) {
	env := map[string]string{"DISCORD_TOKEN": "x", "ASK_CHANNEL_IDS": "123,general", "RATE_LIMIT": "-1",
		"SHARD_ID": "2", "SHARD_COUNT": "2", "HTTP_ADDR": "8080", "DISCORD_API_URL": "ftp://proxy",
		"INTERACTIONS_ADDR": "127.0.0.1:0", "DISCORD_PUBLIC_KEY": "nothex", "REINDEX_MAX_FAILED": "150%", "WATCH_CORPUS": "sometimes",
		"LOG_LEVEL": "loud"}
	_, stderr, code := run(t, "", env, "", "serve")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	// Every problem, the common settings' too, one per line.
	for _, want := range []string{"ASK_CHANNEL_IDS", "RATE_LIMIT", "SHARD_ID", "HTTP_ADDR", "DISCORD_API_URL", "DISCORD_PUBLIC_KEY",
		"REINDEX_MAX_FAILED", "WATCH_CORPUS", "LOG_LEVEL"} {
		if !strings.Contains(stderr, "\n  "+want) {
			t.Errorf("stderr does not name %s on a line of its own:\n%s", want, stderr)
		}
	}
}

type lockedBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed and replaced at every write
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.changed != nil {
		close(l.changed)
	}
	l.changed = make(chan struct{})
	return l.b.Write(p)
}

// changedCh is closed at the next write.
func (l *lockedBuffer) changedCh() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.changed == nil {
		l.changed = make(chan struct{})
	}
	return l.changed
}

// waitFor waits until what has been written n times, woken by each write;
// it reports false after timeout.
func (l *lockedBuffer) waitFor(what string, n int, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		l.mu.Lock()
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		done, changed := strings.Count(l.b.String(), what) >= n, l.changed
		l.mu.Unlock()
		if done {
			return true
		}
		select {
		case <-changed:
		case <-deadline:
			return false
		}
	}
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the binary buildBinary built when the tests end.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// buildBinary builds futurebot once for the tests that run it as a process.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "futurebot-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "futurebot")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v", buildErr)
	}
	return binPath
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeProcess builds futurebot, runs it as a process against a fake
// Discord through DISCORD_API_URL, asks it through /ask, autocomplete and a
// mention, checks /healthz and /metrics, and stops it with SIGTERM.
func TestServeProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	bin := buildBinary(t)
	fake := discordtest.New(t)
	addr := freeAddr(t)
	const token = "process-token-SECRET-42"
	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN="+token, "DISCORD_API_URL="+fake.URL(), "DATA_DIR="+t.TempDir(),
		"HTTP_ADDR="+addr, "DISCORD_GUILD_ID=300000000000000001", "LOG_LEVEL=debug", "CORPUS_DIR=")
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("bot logs:\n%s", logs.String())
		}
	}()

	fake.WaitRequest(t, 30*time.Second, "command registration", func(r discordtest.Request) bool {
		return r.Method == "PUT" && strings.HasSuffix(r.Path, "/guilds/300000000000000001/commands")
	})
	fake.Wait(10*time.Second, func() bool { _, _, hb := fake.Counts(); return hb > 0 })

	fake.Dispatch(t, "INTERACTION_CREATE", fake.Interaction("810000000000000001", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "Who are the Six Little Dragons?", false)), nil))
	r := fake.WaitRequest(t, 10*time.Second, "/ask reply", func(r discordtest.Request) bool {
		return strings.HasPrefix(r.Path, "/interactions/810000000000000001/")
	})
	if !strings.Contains(string(r.Body), "Manycore") || !strings.Contains(string(r.Body), `"parse":[]`) {
		t.Errorf("/ask reply: %s", r.Body)
	}

	fake.Dispatch(t, "INTERACTION_CREATE", fake.Interaction("810000000000000002", 4, "400000000000000001",
		discordtest.Command("policy", discordtest.Option("name", "工信部", true)), nil))
	r = fake.WaitRequest(t, 10*time.Second, "autocomplete reply", func(r discordtest.Request) bool {
		return strings.HasPrefix(r.Path, "/interactions/810000000000000002/")
	})
	if !strings.Contains(string(r.Body), `"value":"MIIT"`) {
		t.Errorf("autocomplete reply: %s", r.Body)
	}

	botUser := map[string]any{"id": fake.BotID, "username": "futurebot", "bot": true}
	fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate("810000000000000003", "300000000000000002", "400000000000000001",
		"<@"+fake.BotID+"> Which company made Black Myth Wukong?", botUser))
	r = fake.WaitRequest(t, 10*time.Second, "mention reply", func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == "/channels/300000000000000002/messages"
	})
	if !strings.Contains(string(r.Body), "Game Science") || !strings.Contains(string(r.Body), `"message_id":"810000000000000003"`) {
		t.Errorf("mention reply: %s", r.Body)
	}

	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if resp.StatusCode != 200 || h["gateway_connected"] != true || h["documents"].(float64) < 30 {
		t.Errorf("/healthz: %d %v", resp.StatusCode, h)
	}
	resp, err = http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	var metrics bytes.Buffer
	metrics.ReadFrom(resp.Body)
	resp.Body.Close()
	if !strings.Contains(metrics.String(), `futurebot_questions_total{outcome="answered"} 2`) {
		t.Errorf("metrics do not count the two answers:\n%.2000s", metrics.String())
	}

	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Error("the bot did not stop on SIGTERM")
	}
	if strings.Contains(logs.String(), token) {
		t.Error("the token appears in the logs")
	}
}

// TestServeHTTPInteractionsOnly runs the bot with no token, interactions
// over HTTP only, and answers a signed PING and a signed /ask.
func TestServeHTTPInteractionsOnly(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	addr := freeAddr(t)
	env := map[string]string{"INTERACTIONS_ADDR": addr, "DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "HTTP_ADDR": "",
		"DATA_DIR": t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr lockedBuffer
	go func() {
		done <- Run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, &stderr, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	}()
	post := func(body string) (int, string) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest("POST", "http://"+addr+"/interactions", strings.NewReader(body))
		req.Header.Set("X-Signature-Timestamp", ts)
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte(ts+body))))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data)
	}
	if !stderr.waitFor("starting the Discord bot", 1, 20*time.Second) {
		t.Fatalf("the bot did not start:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "msg=listening setting=INTERACTIONS_ADDR addr=127.0.0.1:") {
		t.Errorf("the endpoint's address is not logged:\n%s", stderr.String())
	}
	code, body := post(`{"id":"1","type":1,"application_id":"1","token":"t"}`)
	if code != 200 || !strings.Contains(body, `"type":1`) {
		t.Fatalf("PING: %d %s\n%s", code, body, stderr.String())
	}
	code, body = post(`{"id":"2","type":2,"application_id":"1","token":"t","member":{"user":{"id":"9"}},"data":{"id":"3","name":"ask","type":1,"options":[{"name":"question","type":3,"value":"What is BCI?"}]}}`)
	if code != 200 || !strings.Contains(body, "Brain-computer") {
		t.Errorf("/ask: %d %s", code, body)
	}
	cancel()
	if c := <-done; c != 0 {
		t.Errorf("exit %d\n%s", c, stderr.String())
	}
}

// TestServeRebuildsChangedCorpusInBackground: with an index on disk and a
// corpus changed since, serve starts on the old index at once and rebuilds.
func TestServeRebuildsChangedCorpusInBackground(t *testing.T) {
	dir := t.TempDir()
	c := writeCorpus(t, map[string]string{"a.md": "# A\n\nSeaweed farms grew by a third.\n"})
	if _, stderr, code := run(t, dir, nil, "", "reindex", "--corpus", c, "--data", "d"); code != 0 {
		t.Fatalf("reindex: %s", stderr)
	}
	os.WriteFile(filepath.Join(c, "b.md"), []byte("# B\n\nKelp forests store carbon.\n"), 0o644)
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	env := map[string]string{"INTERACTIONS_ADDR": freeAddr(t), "DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "HTTP_ADDR": "",
		"DATA_DIR": filepath.Join(dir, "d"), "CORPUS_DIR": c}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr lockedBuffer
	go func() {
		done <- Run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, &stderr, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	}()
	stderr.waitFor("index built", 1, 20*time.Second)
	cancel()
	<-done
	logs := stderr.String()
	if !strings.Contains(logs, "serving the previous index while it is rebuilt") || !strings.Contains(logs, "index built") ||
		!strings.Contains(logs, "added=1") {
		t.Errorf("start-up with a changed corpus:\n%s", logs)
	}
}

// TestHTTPAddrSetting: unset, the health server listens on :8080; set
// empty or "off", it does not run (and binds nothing).
func TestHTTPAddrSetting(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, defaultHTTPAddr},
		{map[string]string{"HTTP_ADDR": ""}, ""},
		{map[string]string{"HTTP_ADDR": "off"}, ""},
		{map[string]string{"HTTP_ADDR": "127.0.0.1:0"}, "127.0.0.1:0"},
	} {
		tt.env["DISCORD_TOKEN"] = "t"
		m := &Main{Stderr: io.Discard, Getenv: func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }}
		c, _, err := m.setup("serve", true, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := readBotSettings(c)
		if err != nil {
			t.Fatal(err)
		}
		if s.httpAddr != tt.want {
			t.Errorf("HTTP_ADDR %v: listens on %q, want %q", tt.env, s.httpAddr, tt.want)
		}
	}
}
