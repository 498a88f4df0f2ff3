// Package discordtest is a fake Discord for tests: the REST API and the
// gateway websocket on 127.0.0.1, enough for the real discordgo client to
// connect, register commands, receive events and reply.
package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Request is one REST call the bot made.
type Request struct {
	Method string
	Path   string // without the /api/v9 prefix
	Query  string // the URL's query, without "?"
	Body   []byte
	At     time.Time
}

// JSON decodes the request body into v.
func (r Request) JSON(v any) error { return json.Unmarshal(r.Body, v) }

// Fake is a fake Discord.
type Fake struct {
	AppID string
	BotID string

	srv      *httptest.Server
	upgrader websocket.Upgrader

	mu         sync.Mutex
	requests   []Request
	changed    chan struct{} // closed and replaced whenever something is recorded
	conn       *websocket.Conn
	connMu     sync.Mutex // serialises writes to conn
	seq        int
	identifies int
	identify   json.RawMessage
	resumes    int
	heartbeats int
	faults     []fault
	nextID     int
	files      map[string][]byte
	// messages are the messages of each channel, oldest first: those the
	// bot sent and those dispatched as MESSAGE_CREATE.
	messages map[string][]map[string]any
	threads  map[string]map[string]any
	// originals are the replies to interactions, by token.
	originals map[string]map[string]any
	// NoApplicationInReady leaves the application object out of READY.
	NoApplicationInReady bool
}

type fault struct {
	method, prefix string
	status, code   int
	delay          time.Duration
}

// New starts a fake Discord; it stops when the test ends.
func New(t testing.TB) *Fake {
	f := &Fake{AppID: "100000000000000001", BotID: "100000000000000002", changed: make(chan struct{}), nextID: 500000000000000000}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// URL is the base URL to give the bot as DISCORD_API_URL.
func (f *Fake) URL() string { return f.srv.URL }

// Close stops the fake.
func (f *Fake) Close() {
	f.mu.Lock()
	c := f.conn
	f.conn = nil
	f.mu.Unlock()
	if c != nil {
		c.Close()
	}
	f.srv.CloseClientConnections()
	f.srv.Close()
}

func (f *Fake) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// FailNext makes the next call matching method and path prefix answer with
// status (429 carries a short retry_after).
func (f *Fake) FailNext(method, pathPrefix string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{method: method, prefix: pathPrefix, status: status})
}

// FailNextCode makes the next matching request fail with status and a
// Discord error code (50013 Missing Permissions, 160004 thread exists, …).
func (f *Fake) FailNextCode(method, pathPrefix string, status, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{method: method, prefix: pathPrefix, status: status, code: code})
}

// AddMessages stores messages in a channel as if they had been sent
// before, oldest first, without dispatching them.
func (f *Fake) AddMessages(channel string, msgs ...map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.store(channel, msgs...)
}

// Messages returns the messages of a channel, oldest first.
func (f *Fake) Messages(channel string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.messages[channel]...)
}

func (f *Fake) store(channel string, msgs ...map[string]any) {
	if f.messages == nil {
		f.messages = map[string][]map[string]any{}
	}
	f.messages[channel] = append(f.messages[channel], msgs...)
}

// SlowNext makes the next call matching method and path prefix wait delay
// before it is answered normally.
func (f *Fake) SlowNext(method, pathPrefix string, delay time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{method: method, prefix: pathPrefix, delay: delay})
}

// Requests returns every REST call so far.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Identify returns the last IDENTIFY payload (token, intents, shard).
func (f *Fake) Identify() json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.identify
}

// Counts returns how many IDENTIFY, RESUME and heartbeat messages arrived.
func (f *Fake) Counts() (identifies, resumes, heartbeats int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.identifies, f.resumes, f.heartbeats
}

// Wait waits until cond holds (checked whenever something happens) or the
// timeout passes; it reports whether cond held.
func (f *Fake) Wait(timeout time.Duration, cond func() bool) bool {
	deadline := time.After(timeout)
	for {
		f.mu.Lock()
		ch := f.changed
		f.mu.Unlock()
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-deadline:
			return cond()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// WaitRequest waits for a REST call that match accepts and returns it.
func (f *Fake) WaitRequest(t testing.TB, timeout time.Duration, what string, match func(Request) bool) Request {
	t.Helper()
	var found Request
	ok := f.Wait(timeout, func() bool {
		for _, r := range f.Requests() {
			if match(r) {
				found = r
				return true
			}
		}
		return false
	})
	if !ok {
		var seen []string
		for _, r := range f.Requests() {
			seen = append(seen, r.Method+" "+r.Path)
		}
		t.Fatalf("no %s within %v; requests so far: %v", what, timeout, seen)
	}
	return found
}

func (f *Fake) id() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.idLocked()
}

func (f *Fake) idLocked() string {
	f.nextID++
	return fmt.Sprint(f.nextID)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// AddAttachment serves data as an uploaded file and returns its URL (the
// fake's stand-in for Discord's CDN).
func (f *Fake) AddAttachment(name string, data []byte) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.files == nil {
		f.files = map[string][]byte{}
	}
	key := fmt.Sprintf("%d-%s", len(f.files), name)
	f.files[key] = data
	return f.srv.URL + "/attachments/" + key
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway" || r.URL.Path == "/gateway/" {
		f.gateway(w, r)
		return
	}
	if key, ok := strings.CutPrefix(r.URL.Path, "/attachments/"); ok {
		f.mu.Lock()
		data, found := f.files[key]
		f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.Path, At: time.Now()}) // downloads are seen too
		f.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	f.mu.Lock()
	status := 0
	code := 0
	var delay time.Duration
	for i, ft := range f.faults {
		if ft.method == r.Method && strings.HasPrefix(path, ft.prefix) {
			status, code, delay = ft.status, ft.code, ft.delay
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
			break
		}
	}
	f.mu.Unlock()
	time.Sleep(delay)
	f.mu.Lock()
	f.requests = append(f.requests, Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Body: body, At: time.Now()})
	f.notify()
	f.mu.Unlock()
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "0")
		writeJSON(w, status, map[string]any{"message": "You are being rate limited.", "retry_after": 0.05, "global": false})
		return
	}
	if status != 0 {
		writeJSON(w, status, map[string]any{"message": http.StatusText(status), "code": code})
		return
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Method == "GET" && (path == "/gateway" || path == "/gateway/bot"):
		writeJSON(w, 200, map[string]any{"url": "ws://" + r.Host + "/gateway", "shards": 1,
			"session_start_limit": map[string]int{"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})
	case r.Method == "PUT" && len(parts) >= 3 && parts[0] == "applications" && parts[len(parts)-1] == "commands":
		var cmds []map[string]any
		json.Unmarshal(body, &cmds)
		for _, c := range cmds {
			c["id"] = f.id()
			c["application_id"] = f.AppID
			c["version"] = "1"
		}
		writeJSON(w, 200, cmds)
	case r.Method == "POST" && len(parts) == 4 && parts[0] == "interactions" && parts[3] == "callback":
		var cb struct {
			Data json.RawMessage `json:"data"`
		}
		json.Unmarshal(body, &cb)
		f.mu.Lock()
		f.original(parts[2], cb.Data)
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case len(parts) == 5 && parts[0] == "webhooks" && parts[4] == "@original" && (r.Method == "PATCH" || r.Method == "GET"):
		f.mu.Lock()
		m := f.original(parts[2], body)
		f.mu.Unlock()
		writeJSON(w, 200, m)
	case len(parts) >= 3 && parts[0] == "webhooks":
		writeJSON(w, 200, f.message(body, ""))
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "typing":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		m := f.message(body, parts[1])
		f.mu.Lock()
		f.store(parts[1], m)
		f.mu.Unlock()
		writeJSON(w, 200, m)
	case r.Method == "GET" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		writeJSON(w, 200, f.history(parts[1], r))
	case r.Method == "POST" && len(parts) == 5 && parts[0] == "channels" && parts[2] == "messages" && parts[4] == "threads":
		f.startThread(w, parts[1], parts[3], body)
	case r.Method == "GET" && path == "/users/@me":
		writeJSON(w, 200, map[string]any{"id": f.BotID, "username": "futurebot", "bot": true})
	default:
		writeJSON(w, 404, map[string]any{"message": "404: Not Found", "code": 0})
	}
}

// original is the reply to the interaction with token, changed by data
// when given (a callback or an edit); f.mu is held.
func (f *Fake) original(token string, data []byte) map[string]any {
	if f.originals == nil {
		f.originals = map[string]map[string]any{}
	}
	m, ok := f.originals[token]
	if !ok {
		m = map[string]any{"id": f.idLocked(), "author": map[string]any{"id": f.BotID, "username": "futurebot", "bot": true},
			"timestamp": time.Now().UTC().Format(time.RFC3339)}
		f.originals[token] = m
	}
	if len(data) > 0 {
		json.Unmarshal(data, &m)
	}
	return m
}

// history answers GET /channels/{id}/messages: at most limit (default 50,
// at most 100) messages before the one given, newest first, as Discord does.
func (f *Fake) history(channel string, r *http.Request) []map[string]any {
	limit := 50
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n >= 1 && n <= 100 {
		limit = n
	}
	before := r.URL.Query().Get("before")
	f.mu.Lock()
	defer f.mu.Unlock()
	msgs := f.messages[channel]
	end := len(msgs)
	if before != "" {
		for i, m := range msgs {
			if m["id"] == before {
				end = i
				break
			}
		}
	}
	out := []map[string]any{}
	for i := end - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, msgs[i])
	}
	return out
}

// startThread answers POST /channels/{id}/messages/{id}/threads: a public
// thread whose ID is the message's, once per message.
func (f *Fake) startThread(w http.ResponseWriter, channel, message string, body []byte) {
	var req struct {
		Name string `json:"name"`
	}
	json.Unmarshal(body, &req)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.threads == nil {
		f.threads = map[string]map[string]any{}
	}
	if _, ok := f.threads[message]; ok {
		writeJSON(w, 400, map[string]any{"message": "A thread has already been created for this message", "code": 160004})
		return
	}
	if req.Name == "" || len([]rune(req.Name)) > 100 {
		writeJSON(w, 400, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	t := map[string]any{"id": message, "type": 11, "parent_id": channel, "guild_id": "300000000000000001",
		"name": req.Name, "owner_id": f.BotID}
	f.threads[message] = t
	writeJSON(w, 201, t)
}

func (f *Fake) message(body []byte, channel string) map[string]any {
	m := map[string]any{}
	json.Unmarshal(body, &m)
	m["id"] = f.id()
	m["channel_id"] = channel
	m["author"] = map[string]any{"id": f.BotID, "username": "futurebot", "bot": true}
	m["timestamp"] = time.Now().UTC().Format(time.RFC3339)
	return m
}

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d,omitempty"`
	S  *int            `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

func (f *Fake) gateway(w http.ResponseWriter, r *http.Request) {
	c, err := f.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	f.mu.Lock()
	f.conn = c
	f.mu.Unlock()
	f.send(c, 10, "", map[string]any{"heartbeat_interval": 1000})
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			return
		}
		var fr frame
		if json.Unmarshal(data, &fr) != nil {
			continue
		}
		switch fr.Op {
		case 1:
			f.mu.Lock()
			f.heartbeats++
			f.notify()
			f.mu.Unlock()
			f.send(c, 11, "", nil)
		case 2:
			f.mu.Lock()
			f.identifies++
			f.identify = fr.D
			f.notify()
			f.mu.Unlock()
			ready := map[string]any{
				"v": 9, "session_id": "fake-session", "resume_gateway_url": "ws://" + r.Host + "/gateway",
				"user":        map[string]any{"id": f.BotID, "username": "futurebot", "bot": true, "discriminator": "0"},
				"application": map[string]any{"id": f.AppID, "flags": 0},
				"guilds":      []any{},
			}
			f.mu.Lock()
			if f.NoApplicationInReady {
				delete(ready, "application")
			}
			f.mu.Unlock()
			f.send(c, 0, "READY", ready)
		case 6:
			f.mu.Lock()
			f.resumes++
			f.notify()
			f.mu.Unlock()
			f.send(c, 0, "RESUMED", map[string]any{})
		}
	}
}

func (f *Fake) send(c *websocket.Conn, op int, t string, d any) error {
	raw, _ := json.Marshal(d)
	fr := frame{Op: op, D: raw, T: t}
	f.connMu.Lock()
	defer f.connMu.Unlock()
	if op == 0 {
		f.mu.Lock()
		f.seq++
		s := f.seq
		f.mu.Unlock()
		fr.S = &s
	}
	c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.WriteJSON(fr)
}

// Dispatch sends a gateway event (op 0) to the connected bot.
func (f *Fake) Dispatch(t testing.TB, event string, d any) {
	t.Helper()
	f.mu.Lock()
	c := f.conn
	if m, ok := d.(map[string]any); ok && event == "MESSAGE_CREATE" {
		if ch, _ := m["channel_id"].(string); ch != "" {
			f.store(ch, m)
		}
	}
	f.mu.Unlock()
	if c == nil {
		t.Fatalf("dispatch %s: no gateway connection", event)
	}
	if err := f.send(c, 0, event, d); err != nil {
		t.Fatalf("dispatch %s: %v", event, err)
	}
}

// RequestReconnect sends op 7: the client should reconnect and resume.
func (f *Fake) RequestReconnect(t testing.TB) {
	f.mu.Lock()
	c := f.conn
	f.mu.Unlock()
	if c == nil {
		t.Fatal("reconnect: no gateway connection")
	}
	f.send(c, 7, "", nil)
}

// CloseGateway closes the gateway connection with a close code, as Discord
// does for a refused intent (4014) or a bad token (4004).
func (f *Fake) CloseGateway(t testing.TB, code int, reason string) {
	f.mu.Lock()
	c := f.conn
	f.mu.Unlock()
	if c == nil {
		t.Fatal("close: no gateway connection")
	}
	f.connMu.Lock()
	c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	f.connMu.Unlock()
	c.Close()
}

// User is a guild member for test events.
func User(id, name string) map[string]any {
	return map[string]any{"id": id, "username": name, "discriminator": "0"}
}

// Interaction builds an INTERACTION_CREATE payload: typ 2 command, 3
// component, 4 autocomplete; data is the interaction data.
func (f *Fake) Interaction(id string, typ int, userID string, data map[string]any, message map[string]any) map[string]any {
	d := map[string]any{
		"id": id, "application_id": f.AppID, "type": typ, "token": "tok-" + id, "version": 1,
		"guild_id": "300000000000000001", "channel_id": "300000000000000002",
		"member": map[string]any{"user": User(userID, "member"), "roles": []string{}, "permissions": "0"},
		"data":   data,
	}
	if message != nil {
		d["message"] = message
	}
	return d
}

// Command is the data of a slash command with string, bool or number options.
func Command(name string, options ...map[string]any) map[string]any {
	if options == nil {
		options = []map[string]any{}
	}
	return map[string]any{"id": "200000000000000001", "name": name, "type": 1, "options": options}
}

// Option is one command option; focused marks the one being autocompleted.
func Option(name string, value any, focused bool) map[string]any {
	typ := 3
	switch value.(type) {
	case bool:
		typ = 5
	case int, float64:
		typ = 4
	}
	return map[string]any{"name": name, "type": typ, "value": value, "focused": focused}
}

// AdminMember gives an interaction payload a member with Manage Server.
func AdminMember(d map[string]any) map[string]any {
	d["member"].(map[string]any)["permissions"] = "32"
	return d
}

// Attachment is the data of a command with one attachment option.
func Attachment(command, option, id, filename, url string, size int, options ...map[string]any) map[string]any {
	c := Command(command, append([]map[string]any{{"name": option, "type": 11, "value": id}}, options...)...)
	c["resolved"] = map[string]any{"attachments": map[string]any{id: map[string]any{
		"id": id, "filename": filename, "size": size, "url": url, "proxy_url": url}}}
	return c
}

// MessageCreate builds a MESSAGE_CREATE payload.
func MessageCreate(id, channelID, authorID, content string, mentions ...map[string]any) map[string]any {
	if mentions == nil {
		mentions = []map[string]any{}
	}
	return map[string]any{"id": id, "channel_id": channelID, "guild_id": "300000000000000001", "content": content,
		"author": User(authorID, "member"), "mentions": mentions, "timestamp": time.Now().UTC().Format(time.RFC3339),
		"type": 0}
}
