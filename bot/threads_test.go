package bot_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"futurebot/bot"
	"futurebot/bot/discordtest"
)

// threadReply waits for the bot's next message in a thread after the
// first n, and returns it with its embeds as text.
func threadReply(t *testing.T, h *harness, thread string, n int) (map[string]any, string) {
	t.Helper()
	var msg map[string]any
	if !h.fake.Wait(wait, func() bool {
		var sent []discordtest.Request
		for _, r := range h.fake.Requests() {
			if r.Method == "POST" && r.Path == "/channels/"+thread+"/messages" {
				sent = append(sent, r)
			}
		}
		if len(sent) <= n {
			return false
		}
		sent[n].JSON(&msg)
		return true
	}) {
		t.Fatalf("no message %d in thread %s", n+1, thread)
	}
	assertNoPings(t, msg)
	c, _ := msg["content"].(string)
	return msg, c + "\n" + embedText(msg)
}

// mention sends a member's message that mentions the bot.
func mention(t *testing.T, h *harness, id, channel, text string) {
	botUser := map[string]any{"id": h.fake.BotID, "username": "futurebot", "bot": true}
	h.fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate(id, channel, "400000000000000001", "<@"+h.fake.BotID+"> "+text, botUser))
}

func threadButton(t *testing.T, msg map[string]any) string {
	t.Helper()
	for _, id := range customIDs(msg) {
		if strings.HasPrefix(id, "thread:") {
			return id
		}
	}
	t.Fatalf("no Continue in thread button on the answer: %v", customIDs(msg))
	return ""
}

// TestContinueInThread: the button opens a thread on the answer, where
// follow-ups are read with the question, say how they were understood,
// and are declined when the sources lack the answer. After a restart the
// conversation is rebuilt from the thread's latest messages with one
// bounded read, however long the thread.
func TestContinueInThread(t *testing.T) {
	h := start(t, nil, nil)
	msg := answerMessage(t, h, "970000000000000001", "Which city is DeepSeek from?")
	thread := msg["id"].(string)
	click(h, t, "970000000000000002", threadButton(t, msg), msg)
	_, data := h.reply(t, "970000000000000002")
	if c, _ := data["content"].(string); !strings.Contains(c, "<#"+thread+">") || int(data["flags"].(float64))&64 == 0 {
		t.Errorf("the button's reply does not privately point at the thread: %v", data)
	}
	h.fake.WaitRequest(t, wait, "thread opened on the answer", func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == "/channels/300000000000000002/messages/"+thread+"/threads" &&
			strings.Contains(string(r.Body), `"name":"Which city is DeepSeek from?"`)
	})
	if _, intro := threadReply(t, h, thread, 0); !strings.Contains(intro, "Which city is DeepSeek from?") {
		t.Errorf("the thread's first message does not name the question: %s", intro)
	}

	mention(t, h, "970000000000000003", thread, "and Unitree?")
	if _, got := threadReply(t, h, thread, 1); !strings.Contains(got, "Understood as: Which city is Unitree from?") || !strings.Contains(got, "Hangzhou") {
		t.Errorf("follow-up \"and Unitree?\": %s", got)
	}
	mention(t, h, "970000000000000004", thread, "what about Tesla?")
	if _, got := threadReply(t, h, thread, 2); !strings.Contains(got, "Not in my sources") {
		t.Errorf("a follow-up the sources do not cover was answered: %s", got)
	}
	settle(t, h)
	if n := countPrefix(h, "GET", "/channels/"+thread+"/messages"); n != 0 {
		t.Errorf("%d reads of the thread while its conversation was in memory, want none", n)
	}
	// The same button again points at the thread there is.
	click(h, t, "970000000000000005", threadButton(t, msg), msg)
	if _, data := h.reply(t, "970000000000000005"); !strings.Contains(fmt.Sprint(data["content"]), "already has a thread: <#"+thread+">") {
		t.Errorf("second click: %v", data["content"])
	}
	h.stop(t)

	// A restart on the same data: 10,000 older messages of chat, then the
	// conversation so far.
	h2 := startWith(t, func(c *bot.Config) { c.DataDir = h.cfg.DataDir }, nil)
	var chat []map[string]any
	for i := range 10000 {
		chat = append(chat, discordtest.MessageCreate(fmt.Sprint(800000000000000000+i), thread, "400000000000000003", "nice"))
	}
	h2.fake.AddMessages(thread, chat...)
	h2.fake.AddMessages(thread, h.fake.Messages(thread)...)
	mention(t, h2, "970000000000000006", thread, "and Game Science?")
	if _, got := threadReply(t, h2, thread, 0); !strings.Contains(got, "Understood as: Which city is Game Science from?") || !strings.Contains(got, "Hangzhou") {
		t.Errorf("after a restart: %s", got)
	}
	mention(t, h2, "970000000000000007", thread, "what did it develop?")
	if _, got := threadReply(t, h2, thread, 1); !strings.Contains(got, "Understood as: What did Game Science develop?") || !strings.Contains(got, "Wukong") {
		t.Errorf("second follow-up after a restart: %s", got)
	}
	settle(t, h2)
	var reads []discordtest.Request
	for _, r := range h2.fake.Requests() {
		if r.Method == "GET" && r.Path == "/channels/"+thread+"/messages" {
			reads = append(reads, r)
		}
	}
	if len(reads) != 1 || !strings.Contains(reads[0].Query, "limit=50") || !strings.Contains(reads[0].Query, "before=970000000000000006") {
		t.Errorf("reads of the thread after a restart: %+v, want one of at most 50 messages before the question", reads)
	}
}

// TestThreadsSetting: with /settings threads:True a mention is answered
// in a thread opened on it, /ask opens a thread on its answer, and a
// channel where the bot may not open threads gets its answers in the
// channel, with the missing permissions logged once.
func TestThreadsSetting(t *testing.T) {
	h := start(t, nil, nil)
	const ch = "300000000000000011"
	set := discordtest.AdminMember(h.fake.Interaction("971000000000000001", 2, "400000000000000001",
		discordtest.Command("settings", discordtest.Option("threads", true, false)), nil))
	set["channel_id"] = ch
	h.fake.Dispatch(t, "INTERACTION_CREATE", set)
	if _, data := h.reply(t, "971000000000000001"); !strings.Contains(fmt.Sprint(data["content"]), "answer in threads, where follow-ups are read with the question: **on**") {
		t.Fatalf("/settings threads:True: %v", data["content"])
	}
	const q = "971000000000000002"
	mention(t, h, q, ch, "Which city is Unitree from?")
	h.fake.WaitRequest(t, wait, "thread on the question", func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == "/channels/"+ch+"/messages/"+q+"/threads"
	})
	if _, got := threadReply(t, h, q, 0); !strings.Contains(got, "Hangzhou") {
		t.Errorf("answer in the thread: %s", got)
	}
	mention(t, h, "971000000000000003", q, "and DeepSeek?")
	if _, got := threadReply(t, h, q, 1); !strings.Contains(got, "Understood as: Which city is DeepSeek from?") {
		t.Errorf("follow-up in the thread: %s", got)
	}

	ask := h.fake.Interaction("971000000000000004", 2, "400000000000000001", discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil)
	ask["channel_id"] = ch
	h.fake.Dispatch(t, "INTERACTION_CREATE", ask)
	_, data := h.reply(t, "971000000000000004")
	for _, id := range customIDs(data) {
		if strings.HasPrefix(id, "thread:") {
			t.Error("an answer that opens its own thread offers a Continue in thread button")
		}
	}
	h.fake.WaitRequest(t, wait, "thread on the /ask answer", func(r discordtest.Request) bool {
		return r.Method == "POST" && strings.HasPrefix(r.Path, "/channels/"+ch+"/messages/") && strings.HasSuffix(r.Path, "/threads") &&
			strings.Contains(string(r.Body), "What is BCI?")
	})

	// No thread may be opened, or none posted in: the answer comes in the channel.
	for i, id := range []string{"971000000000000005", "971000000000000006", "971000000000000007"} {
		if i < 2 {
			h.fake.FailNextCode("POST", "/channels/"+ch+"/messages/"+id+"/threads", 403, 50013)
		} else {
			h.fake.FailNextCode("POST", "/channels/"+id+"/messages", 403, 50001)
		}
		mention(t, h, id, ch, "What is BCI?")
		if !h.fake.Wait(wait, func() bool { return countPath(h, "POST", "/channels/"+ch+"/messages") >= i+1 }) {
			t.Fatalf("no answer in the channel when the thread failed (%d)", i)
		}
		settle(t, h)
	}
	if n := countPath(h, "POST", "/channels/"+ch+"/messages"); n != 3 {
		t.Errorf("%d answers in the channel where no thread could be opened, want 3", n)
	}
	if n := strings.Count(h.logs.String(), "Create Public Threads"); n != 1 {
		t.Errorf("the missing thread permissions were logged %d times, want once", n)
	}
}

// TestContinueInThreadWithoutPermission: the button says privately which
// permissions the bot lacks.
func TestContinueInThreadWithoutPermission(t *testing.T) {
	h := start(t, nil, nil)
	msg := answerMessage(t, h, "972000000000000001", "What is BCI?")
	h.fake.FailNextCode("POST", "/channels/300000000000000002/messages/"+msg["id"].(string)+"/threads", 403, 50013)
	click(h, t, "972000000000000002", threadButton(t, msg), msg)
	_, data := h.reply(t, "972000000000000002")
	c := fmt.Sprint(data["content"])
	if !strings.Contains(c, "Create Public Threads") || !strings.Contains(c, "Send Messages in Threads") || int(data["flags"].(float64))&64 == 0 {
		t.Errorf("reply without the permission: %v", data)
	}
}

// TestContinueInMemberThread: an answer in a thread a member opened
// cannot get a thread of its own; the button makes that thread carry the
// conversation instead. Permissions Discord reports with the click are
// checked before asking, and only the missing one is named.
func TestContinueInMemberThread(t *testing.T) {
	h := start(t, nil, nil)
	const memberThread = "300000000000000021"
	ask := h.fake.Interaction("974000000000000001", 2, "400000000000000001", discordtest.Command("ask", discordtest.Option("question", "Which city is DeepSeek from?", false)), nil)
	ask["channel_id"] = memberThread
	h.fake.Dispatch(t, "INTERACTION_CREATE", ask)
	_, msg := h.reply(t, "974000000000000001")
	msg["id"], msg["channel_id"] = "974000000000000002", memberThread

	lacking := h.fake.Interaction("974000000000000003", 3, "400000000000000001",
		map[string]any{"custom_id": threadButton(t, msg), "component_type": 2}, msg)
	lacking["channel_id"] = memberThread
	lacking["app_permissions"] = fmt.Sprint(int64(1<<35 | 1<<11 | 1<<10))
	h.fake.Dispatch(t, "INTERACTION_CREATE", lacking)
	if _, data := h.reply(t, "974000000000000003"); !strings.Contains(fmt.Sprint(data["content"]), "Send Messages in Threads") ||
		strings.Contains(fmt.Sprint(data["content"]), "Create Public Threads") {
		t.Errorf("missing permission: %v", data["content"])
	}

	h.fake.FailNextCode("POST", "/channels/"+memberThread+"/messages/974000000000000002/threads", 400, 50024)
	click := h.fake.Interaction("974000000000000004", 3, "400000000000000001",
		map[string]any{"custom_id": threadButton(t, msg), "component_type": 2}, msg)
	click["channel_id"] = memberThread
	h.fake.Dispatch(t, "INTERACTION_CREATE", click)
	if _, data := h.reply(t, "974000000000000004"); !strings.Contains(fmt.Sprint(data["content"]), "in a thread already") {
		t.Errorf("button in a thread: %v", data["content"])
	}
	mention(t, h, "974000000000000005", memberThread, "and Unitree?")
	if _, got := threadReply(t, h, memberThread, 0); !strings.Contains(got, "Understood as: Which city is Unitree from?") {
		t.Errorf("follow-up in the member's thread: %s", got)
	}
}

// TestThreadsFileDamaged: a damaged list of the bot's threads is reported
// and the bot still answers.
func TestThreadsFileDamaged(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "threads.json"), []byte(`{"1": {"opened": `), 0o644); err != nil {
		t.Fatal(err)
	}
	h := start(t, func(c *bot.Config) { c.DataDir = dir }, nil)
	if !strings.Contains(h.logs.String(), "threads.json") {
		t.Errorf("the damaged threads file was not reported:\n%s", h.logs.String())
	}
	mention(t, h, "973000000000000001", "300000000000000002", "what is BCI?")
	h.fake.WaitRequest(t, wait, "reply", func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == "/channels/300000000000000002/messages"
	})
}

// countPath counts the requests made to exactly path.
func countPath(h *harness, method, path string) int {
	n := 0
	for _, r := range h.fake.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}
