package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"futurebot/bot"
	"futurebot/bot/discordtest"
	"futurebot/gaps"
	"futurebot/internal/testcorpus"
	"futurebot/library"
)

// TestAdminCommandsEndToEnd drives /reindex, /ingest and /forget through
// the fake Discord with the real bot, admin, store and index.
func TestAdminCommandsEndToEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	testcorpus.Harbour(t, dir, 1200, "alpha")
	lib := openTestLibrary(t, dir, t.TempDir())
	fake := discordtest.New(t)
	client, _ := bot.NewHTTPClient(fake.URL())
	b, err := bot.New(bot.Config{Token: "admin-test-token", HTTPClient: client, GuildID: "300000000000000001",
		Admin: lib, AdminUsers: []string{"400000000000000099"}, MaxIngestBytes: 4096, Gaps: gaps.Open(t.TempDir(), 0)}, lib, lib.Info, quietLog, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() { cancel(); <-done }()
	<-b.Registered()
	fake.Wait(10*time.Second, func() bool { _, _, hb := fake.Counts(); return hb > 0 })

	reg := fake.WaitRequest(t, 5*time.Second, "registration", func(r discordtest.Request) bool { return r.Method == "PUT" })
	var cmds []map[string]any
	reg.JSON(&cmds)
	perms := map[string]any{}
	for _, c := range cmds {
		perms[c["name"].(string)] = c["default_member_permissions"]
	}
	if perms["reindex"] != "32" || perms["ingest"] != "32" || perms["forget"] != "32" || perms["ask"] != nil {
		t.Errorf("default member permissions: %v, want Manage Server (32) on admin commands only", perms)
	}

	reply := func(id string) map[string]any {
		r := fake.WaitRequest(t, 10*time.Second, "reply to "+id, func(r discordtest.Request) bool {
			return strings.HasPrefix(r.Path, "/interactions/"+id+"/")
		})
		var resp struct {
			Data map[string]any `json:"data"`
		}
		r.JSON(&resp)
		return resp.Data
	}
	content := func(d map[string]any) string { c, _ := d["content"].(string); return c }
	lastEdit := func(id, want string) string {
		var got string
		fake.Wait(60*time.Second, func() bool {
			for _, r := range fake.Requests() {
				if r.Method == "PATCH" && strings.Contains(r.Path, "/tok-"+id+"/") {
					var m map[string]any
					json.Unmarshal(r.Body, &m)
					got = content(m)
				}
			}
			return strings.Contains(got, want)
		})
		return got
	}

	// A member without admin rights is refused, privately.
	fake.Dispatch(t, "INTERACTION_CREATE", fake.Interaction("710000000000000001", 2, "400000000000000001", discordtest.Command("reindex"), nil))
	d := reply("710000000000000001")
	if !strings.Contains(content(d), "Manage Server") || int(d["flags"].(float64))&64 == 0 {
		t.Errorf("non-admin /reindex: %v", d)
	}

	// An admin (Manage Server) starts one; a second admin request gets its progress.
	fake.Dispatch(t, "INTERACTION_CREATE", discordtest.AdminMember(fake.Interaction("710000000000000002", 2, "400000000000000001", discordtest.Command("reindex"), nil)))
	fake.Dispatch(t, "INTERACTION_CREATE", fake.Interaction("710000000000000003", 2, "400000000000000099", discordtest.Command("reindex"), nil))
	// The two arrive together; whichever is handled second joins the first.
	first, second := content(reply("710000000000000002")), content(reply("710000000000000003"))
	if !strings.Contains(first, "Reindexing") || !strings.Contains(second, "Reindexing") ||
		strings.Contains(first, "already running") == strings.Contains(second, "already running") {
		t.Errorf("two /reindex at once: %q and %q; want one job, the other request shown its progress", first, second)
	}
	if sum := lastEdit("710000000000000002", "Reindex done"); !strings.Contains(sum, "0 added, 0 changed, 0 removed") {
		t.Errorf("summary: %q", sum)
	}
	lastEdit("710000000000000003", "Reindex done")

	// /ingest refusals: a path in the name, too big, an unknown type, a file that does not load.
	md := "---\ntitle: Tidal power\n---\nTidal power stations in the bay produce 240 megawatts.\n"
	for i, tc := range []struct{ name, data, want string }{
		{"../../etc/evil.md", md, "contains a path"},
		{"big.md", strings.Repeat("x", 5000), "limit"},
		{"virus.exe", md, "not a file type"},
		{"broken.yaml", "entries: [", "does not load"},
	} {
		id := "72000000000000000" + string(rune('1'+i))
		url := fake.AddAttachment(tc.name, []byte(tc.data))
		fake.Dispatch(t, "INTERACTION_CREATE", discordtest.AdminMember(fake.Interaction(id, 2, "400000000000000001",
			discordtest.Attachment("ingest", "file", "800000000000000001", tc.name, url, len(tc.data)), nil)))
		if c := content(reply(id)); !strings.Contains(c, tc.want) || !strings.Contains(c, "Nothing was written") {
			t.Errorf("/ingest %s: %q, want %q", tc.name, c, tc.want)
		}
	}
	// An attachment whose link points anywhere but Discord's attachment
	// servers, or whose name the corpus would refuse, is never fetched.
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("/ingest fetched %s from another host", r.URL)
	}))
	defer elsewhere.Close()
	for i, tc := range []struct{ name, url, want string }{
		{"evil.md", elsewhere.URL + "/evil.md", "attachment servers"},
		{"evil.md", "file:///etc/passwd", "attachment servers"},
		{".hidden.md", fake.AddAttachment(".hidden.md", []byte(md)), "not usable"},
	} {
		id := "72100000000000000" + string(rune('1'+i))
		fake.Dispatch(t, "INTERACTION_CREATE", discordtest.AdminMember(fake.Interaction(id, 2, "400000000000000001",
			discordtest.Attachment("ingest", "file", "800000000000000011", tc.name, tc.url, len(md)), nil)))
		if c := content(reply(id)); !strings.Contains(c, tc.want) || !strings.Contains(c, "Nothing was written") {
			t.Errorf("/ingest %s from %s: %q, want %q", tc.name, tc.url, c, tc.want)
		}
	}
	for _, r := range fake.Requests() {
		if strings.Contains(r.Path, ".hidden.md") {
			t.Errorf("/ingest downloaded %s before refusing its name", r.Path)
		}
	}
	if files, _ := os.ReadDir(filepath.Join(dir, library.IngestedDir)); len(files) != 0 {
		t.Errorf("refused files were written: %v", files)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "etc")); err == nil {
		t.Error("a file escaped the corpus directory")
	}

	// A good file is added, indexed and answered from.
	url := fake.AddAttachment("tidal.md", []byte(md))
	fake.Dispatch(t, "INTERACTION_CREATE", discordtest.AdminMember(fake.Interaction("730000000000000001", 2, "400000000000000001",
		discordtest.Attachment("ingest", "file", "800000000000000002", "tidal.md", url, len(md)), nil)))
	reply("730000000000000001")
	if sum := lastEdit("730000000000000001", "Reindex done"); !strings.Contains(sum, "Articles: 1 added") {
		t.Errorf("ingest summary: %q", sum)
	}
	if a, _ := lib.Ask(context.Background(), "How much do the tidal power stations produce?"); !strings.Contains(a.Text, "240") {
		t.Errorf("ingested file not answering: %q", a.Text)
	}

	// A question the sources lack is recorded, and /gaps lists it (admins)
	// with the nearest sources; a member is refused.
	fake.Dispatch(t, "INTERACTION_CREATE", fake.Interaction("735000000000000001", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "Who founded the harbour drone authority?", false)), nil))
	reply("735000000000000001")
	fake.Dispatch(t, "INTERACTION_CREATE", fake.Interaction("735000000000000002", 2, "400000000000000001", discordtest.Command("gaps"), nil))
	if c := content(reply("735000000000000002")); !strings.Contains(c, "Manage Server") {
		t.Errorf("/gaps by a member: %q", c)
	}
	fake.Dispatch(t, "INTERACTION_CREATE", discordtest.AdminMember(fake.Interaction("735000000000000003", 2, "400000000000000001", discordtest.Command("gaps"), nil)))
	r := fake.WaitRequest(t, 30*time.Second, "the gaps", func(r discordtest.Request) bool {
		return strings.Contains(r.Path, "735000000000000003") && strings.Contains(string(r.Body), "harbour drone authority")
	})
	if !strings.Contains(string(r.Body), "nearest") || !strings.Contains(string(r.Body), "1×") {
		t.Errorf("/gaps: %s", r.Body)
	}

	// /forget autocompletes ingested files and removes one.
	fake.Dispatch(t, "INTERACTION_CREATE", discordtest.AdminMember(fake.Interaction("740000000000000001", 4, "400000000000000001",
		discordtest.Command("forget", discordtest.Option("document", "tid", true)), nil)))
	r = fake.WaitRequest(t, 10*time.Second, "forget autocomplete", func(r discordtest.Request) bool {
		return strings.HasPrefix(r.Path, "/interactions/740000000000000001/")
	})
	if !strings.Contains(string(r.Body), `"value":"tidal.md"`) {
		t.Errorf("forget autocomplete: %s", r.Body)
	}
	fake.Dispatch(t, "INTERACTION_CREATE", discordtest.AdminMember(fake.Interaction("740000000000000002", 2, "400000000000000001",
		discordtest.Command("forget", discordtest.Option("document", "tidal.md", false)), nil)))
	reply("740000000000000002")
	if sum := lastEdit("740000000000000002", "Reindex done"); !strings.Contains(sum, "1 removed") {
		t.Errorf("forget summary: %q", sum)
	}
}

var quietLog = slog.New(slog.DiscardHandler)

// openTestLibrary opens the library of corpusDir in dataDir, as the
// commands do, and holds it open until the test ends.
func openTestLibrary(t *testing.T, corpusDir, dataDir string) *library.Library {
	t.Helper()
	lib, err := library.Open(context.Background(), library.Options{DataDir: dataDir, CorpusDir: corpusDir, MaxFailed: 0.2, Log: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}
