package bot_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"futurebot/bot"
	"futurebot/bot/discordtest"
)

// TestLoad sends 500 questions (100 under the race detector) from 50 users, half as /ask and half as
// mentions, through the fake Discord: each is answered exactly once. It
// reports the latency from event to reply, and checks memory is flat.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	h := start(t, func(c *bot.Config) { c.RateLimit = 0 }, nil)
	questions := []string{"Who are the Six Little Dragons?", "What is BCI?", "How many CAR-T therapies has China approved?",
		"Which company made Black Myth Wukong?", "What did 工信部 publish in 2024?", "Who won the 2022 World Cup?",
		"What share of humanoid robot companies are Chinese?", "What is 宇树?"}
	botUser := map[string]any{"id": h.fake.BotID, "username": "futurebot", "bot": true}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	sent := map[string]time.Time{}
	n := 500
	if raceEnabled {
		n = 100
	}
	for i := range n {
		user := fmt.Sprintf("4100000000000%05d", i%50)
		q := questions[i%len(questions)]
		id := fmt.Sprintf("8800000000%08d", i)
		sent[id] = time.Now()
		if i%2 == 0 {
			h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction(id, 2, user,
				discordtest.Command("ask", discordtest.Option("question", q, false)), nil))
		} else {
			h.fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate(id, "300000000000000002", user, "<@"+h.fake.BotID+"> "+q, botUser))
		}
	}
	replies := map[string]int{}
	var latencies []time.Duration
	count := func() {
		replies = map[string]int{}
		latencies = latencies[:0]
		for _, r := range h.fake.Requests() {
			id := ""
			switch {
			case r.Method == "POST" && strings.HasPrefix(r.Path, "/interactions/"):
				id = strings.Split(r.Path, "/")[2]
			case r.Method == "POST" && r.Path == "/channels/300000000000000002/messages":
				var m struct {
					Ref struct {
						ID string `json:"message_id"`
					} `json:"message_reference"`
				}
				json.Unmarshal(r.Body, &m)
				id = m.Ref.ID
			}
			if at, ok := sent[id]; ok {
				replies[id]++
				latencies = append(latencies, r.At.Sub(at))
			}
		}
	}
	// A deadline for a stuck bot, not a speed limit: the latencies are logged.
	h.fake.Wait(5*time.Minute, func() bool { count(); return len(replies) == n })
	settle(t, h) // a double reply would have been sent by now
	count()
	if len(replies) != n {
		t.Fatalf("%d of %d questions answered", len(replies), n)
	}
	for id, c := range replies {
		if c != 1 {
			t.Errorf("question %s answered %d times", id, c)
		}
	}
	slices.Sort(latencies)
	t.Logf("%d questions from 50 users: latency p50 %v, p99 %v (event sent to reply received, fake Discord on loopback)",
		n, latencies[len(latencies)/2].Round(time.Microsecond), latencies[len(latencies)*99/100].Round(time.Microsecond))

	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap before %d KB, after %d KB", before.HeapAlloc>>10, after.HeapAlloc>>10)
	if grown > 32<<20 {
		t.Errorf("heap grew by %d MB over %d questions; want it flat", grown>>20, n)
	}
}

func TestGatewayDropMidAnswer(t *testing.T) {
	e, _ := sharedEngine(t)
	slow := &slowEngine{Engine: e, delay: 700 * time.Millisecond, asked: make(chan struct{})}
	h := start(t, func(c *bot.Config) { c.DeferAfter = time.Minute }, slow)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("890000000000000001", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil))
	asking(t, slow)
	h.fake.CloseGateway(t, 4000, "unknown error") // the connection drops while the answer is being made
	if !h.fake.Wait(wait, func() bool { _, resumes, _ := h.fake.Counts(); return resumes > 0 }) {
		t.Fatal("no resume after the drop")
	}
	_, data := h.reply(t, "890000000000000001")
	if !strings.Contains(embedText(data), "Brain-computer") {
		t.Errorf("answer lost across the drop: %v", data)
	}
	settle(t, h)
	if n := countPrefix(h, "POST", "/interactions/890000000000000001/"); n != 1 {
		t.Errorf("%d replies to one question across the drop, want 1", n)
	}
}

func TestServerErrorsOnReplies(t *testing.T) {
	h := start(t, nil, nil)
	// A 503 on an interaction reply is retried: Discord takes one response
	// per interaction, so a retry cannot double it.
	h.fake.FailNext("POST", "/interactions/891000000000000001/", 503)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("891000000000000001", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil))
	h.fake.Wait(wait, func() bool { return countPrefix(h, "POST", "/interactions/891000000000000001/") >= 2 })
	if n := countPrefix(h, "POST", "/interactions/891000000000000001/"); n != 2 {
		t.Errorf("interaction reply after a 503: %d attempts, want 2", n)
	}
	// A 500 on a channel message is not retried: it might have been posted.
	botUser := map[string]any{"id": h.fake.BotID, "username": "futurebot", "bot": true}
	h.fake.FailNext("POST", "/channels/300000000000000003/messages", 500)
	h.fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate("891000000000000002", "300000000000000003", "400000000000000001",
		"<@"+h.fake.BotID+"> what is BCI?", botUser))
	h.fake.Wait(wait, func() bool { return countPrefix(h, "POST", "/channels/300000000000000003/messages") >= 1 })
	settle(t, h) // a retry would have been sent by now
	if n := countPrefix(h, "POST", "/channels/300000000000000003/messages"); n != 1 {
		t.Errorf("channel reply after a 500: %d attempts, want 1 (no retry that could double it)", n)
	}
	if !strings.Contains(h.logs.String(), "reply to message failed") {
		t.Error("the failed channel reply was not logged")
	}
}

func TestSlowDiscordAndUnknownTypes(t *testing.T) {
	h := start(t, nil, nil)
	h.fake.SlowNext("POST", "/interactions/892000000000000001/", 2*time.Second)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("892000000000000001", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil))
	_, data := h.reply(t, "892000000000000001")
	if !strings.Contains(embedText(data), "Brain-computer") {
		t.Errorf("reply to a slow Discord: %v", data)
	}
	for i := range 3 {
		h.fake.Dispatch(t, "INTERACTION_CREATE", map[string]any{"id": fmt.Sprintf("89200000000000001%d", i), "type": 42,
			"application_id": h.fake.AppID, "token": "x", "data": map[string]any{}})
	}
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("892000000000000099", 2, "400000000000000001", discordtest.Command("help"), nil))
	h.reply(t, "892000000000000099")
	settle(t, h) // the unknown ones, accepted before /help, are handled by now
	if n := strings.Count(h.logs.String(), "unknown type or shape"); n != 1 {
		t.Errorf("unknown interaction type logged %d times, want once", n)
	}
}

func countPrefix(h *harness, method, prefix string) int {
	n := 0
	for _, r := range h.fake.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}
