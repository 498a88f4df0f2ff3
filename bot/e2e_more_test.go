package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"futurebot/answers"
	"futurebot/bot"
	"futurebot/bot/discordtest"
	"futurebot/service"
)

// slowEngine wraps the real engine: Ask takes delay longer, or panics.
// Asking says so on asked, when it is set.
type slowEngine struct {
	bot.Engine
	delay time.Duration
	panic bool
	asked chan struct{}
	once  sync.Once
}

func (e *slowEngine) Ask(ctx context.Context, q string) (answers.Answer, error) {
	if e.asked != nil {
		e.once.Do(func() { close(e.asked) })
	}
	if e.panic {
		panic("boom in Ask")
	}
	// A slow answer, which a cancelled question stops.
	select {
	case <-time.After(e.delay):
	case <-ctx.Done():
		return answers.Answer{}, ctx.Err()
	}
	return e.Engine.Ask(ctx, q)
}

// settle waits until no reply is in flight: every event sent before the
// last one whose reply the test saw has then been fully handled.
func settle(t *testing.T, h *harness) {
	t.Helper()
	select {
	case <-h.bot.Idle():
	case <-time.After(wait):
		t.Fatal("replies still in flight")
	}
}

// asking waits until the slow engine has begun to answer.
func asking(t *testing.T, e *slowEngine) {
	t.Helper()
	select {
	case <-e.asked:
	case <-time.After(wait):
		t.Fatal("the question never reached the engine")
	}
}

func choicesOf(t *testing.T, h *harness, id string) []map[string]any {
	t.Helper()
	r := h.fake.WaitRequest(t, wait, "autocomplete reply", func(r discordtest.Request) bool {
		return r.Method == "POST" && strings.HasPrefix(r.Path, "/interactions/"+id+"/")
	})
	var resp struct {
		Type int `json:"type"`
		Data struct {
			Choices []map[string]any `json:"choices"`
		} `json:"data"`
	}
	if err := r.JSON(&resp); err != nil {
		t.Fatal(err)
	}
	if resp.Type != 8 {
		t.Errorf("autocomplete reply type %d, want 8", resp.Type)
	}
	return resp.Data.Choices
}

func TestAutocomplete(t *testing.T) {
	h := start(t, nil, nil)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("910000000000000001", 4, "400000000000000001",
		discordtest.Command("company", discordtest.Option("name", "unit", true)), nil))
	choices := choicesOf(t, h, "910000000000000001")
	if len(choices) == 0 || choices[0]["value"] != "Unitree" {
		t.Errorf("company autocomplete for 'unit': %v, want Unitree first", choices)
	}

	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("910000000000000002", 4, "400000000000000001",
		discordtest.Command("company", discordtest.Option("name", "", true)), nil))
	choices = choicesOf(t, h, "910000000000000002")
	if len(choices) < 5 || len(choices) > 25 {
		t.Errorf("empty company autocomplete gave %d choices, want all companies up to 25", len(choices))
	}

	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("910000000000000003", 4, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "six little dragons", true)), nil))
	choices = choicesOf(t, h, "910000000000000003")
	if len(choices) < 2 || len(choices) > 25 {
		t.Fatalf("ask autocomplete: %d choices", len(choices))
	}
	found := false
	for _, c := range choices {
		name, _ := c["name"].(string)
		if len(name) < 1 || len(name) > 100 {
			t.Errorf("choice name of %d characters", len(name))
		}
		found = found || name == "Who are the Six Little Dragons?"
	}
	if !found {
		t.Errorf("ask autocomplete does not suggest the FAQ question: %v", choices)
	}
}

func TestMentionGetsReply(t *testing.T) {
	h := start(t, nil, nil)
	bot := map[string]any{"id": h.fake.BotID, "username": "futurebot", "bot": true}
	h.fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate("920000000000000001", "300000000000000002", "400000000000000001",
		"<@"+h.fake.BotID+"> what is BCI? @here", bot))
	r := h.fake.WaitRequest(t, wait, "reply message", func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == "/channels/300000000000000002/messages"
	})
	var msg map[string]any
	r.JSON(&msg)
	ref, _ := msg["message_reference"].(map[string]any)
	if ref["message_id"] != "920000000000000001" {
		t.Errorf("reply does not reference the question: %v", msg["message_reference"])
	}
	assertNoPings(t, msg)
	if !strings.Contains(embedText(msg), "Brain-computer interfaces") {
		t.Errorf("reply does not answer: %s", embedText(msg))
	}
	if !h.fake.Wait(wait, func() bool {
		for _, r := range h.fake.Requests() {
			if r.Path == "/channels/300000000000000002/typing" {
				return true
			}
		}
		return false
	}) {
		t.Error("no typing indicator")
	}
}

func TestAskChannelAndIgnoredMessages(t *testing.T) {
	h := start(t, func(c *bot.Config) { c.AskChannels = []string{"300000000000000009"} }, nil)
	ch := "300000000000000009"
	// Chat in the ask-channel, the bot's own message, another bot, a webhook: no reply.
	h.fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate("930000000000000001", ch, "400000000000000001", "good morning all"))
	own := discordtest.MessageCreate("930000000000000002", ch, h.fake.BotID, "Who are the Six Little Dragons?")
	h.fake.Dispatch(t, "MESSAGE_CREATE", own)
	other := discordtest.MessageCreate("930000000000000003", ch, "400000000000000005", "Who are the Six Little Dragons?")
	other["author"].(map[string]any)["bot"] = true
	h.fake.Dispatch(t, "MESSAGE_CREATE", other)
	hook := discordtest.MessageCreate("930000000000000004", ch, "400000000000000006", "Who are the Six Little Dragons?")
	hook["webhook_id"] = "700000000000000001"
	h.fake.Dispatch(t, "MESSAGE_CREATE", hook)
	// A question in the ask-channel, without a mention, sent twice (a replay): one reply.
	q := discordtest.MessageCreate("930000000000000005", ch, "400000000000000001", "Which company made Black Myth Wukong?")
	h.fake.Dispatch(t, "MESSAGE_CREATE", q)
	h.fake.Dispatch(t, "MESSAGE_CREATE", q)
	h.fake.WaitRequest(t, wait, "reply in ask-channel", func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == "/channels/"+ch+"/messages" && strings.Contains(string(r.Body), "Game Science")
	})
	settle(t, h)
	if n := countPrefix(h, "POST", "/channels/"+ch+"/messages"); n != 1 {
		t.Errorf("%d messages sent to the ask-channel, want exactly 1", n)
	}
	// The same question in another channel without a mention: ignored. A
	// question in the ask-channel after it shows that it was handled.
	h.fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate("930000000000000006", "300000000000000002", "400000000000000001", "Who are the Six Little Dragons?"))
	h.fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate("930000000000000007", ch, "400000000000000001", "What is BCI?"))
	h.fake.WaitRequest(t, wait, "reply after the ignored message", func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == "/channels/"+ch+"/messages" && strings.Contains(string(r.Body), "930000000000000007")
	})
	settle(t, h)
	if n := countPrefix(h, "POST", "/channels/300000000000000002/messages"); n != 0 {
		t.Errorf("answered a question outside ask-channels without a mention")
	}
}

// answerMessage is an answer message as Discord would send it back with a
// button click.
func answerMessage(t *testing.T, h *harness, id, question string) map[string]any {
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction(id, 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", question, false)), nil))
	_, data := h.reply(t, id)
	data["id"] = "950" + id[3:]
	data["channel_id"] = "300000000000000002"
	return data
}

func customIDs(data map[string]any) []string {
	var ids []string
	raw, _ := json.Marshal(data["components"])
	var rows []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
			Disabled bool   `json:"disabled"`
		} `json:"components"`
	}
	json.Unmarshal(raw, &rows)
	for _, r := range rows {
		for _, c := range r.Components {
			ids = append(ids, c.CustomID)
		}
	}
	return ids
}

func click(h *harness, t *testing.T, id, customID string, message map[string]any) {
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction(id, 3, "400000000000000001",
		map[string]any{"custom_id": customID, "component_type": 2}, message))
}

func TestButtons(t *testing.T) {
	h := start(t, nil, nil)
	msg := answerMessage(t, h, "940000000000000001", "What share of humanoid robot companies are Chinese?")
	ids := customIDs(msg)
	if len(ids) != 5 || !strings.HasPrefix(ids[4], "thread:") {
		t.Fatalf("answer buttons: %v, want more sources, why this answer, 👍, 👎, continue in thread", ids)
	}
	click(h, t, "940000000000000002", ids[0], msg)
	_, data := h.reply(t, "940000000000000002")
	if flags, _ := data["flags"].(float64); int(flags)&64 == 0 || !strings.Contains(embedText(data), "Humanoid robots") {
		t.Errorf("more sources: not an ephemeral list of sources: %v", data)
	}
	// "Why this answer?" explains privately: how the question was
	// understood, the weighed passages, why, and the index.
	click(h, t, "940000000000000004", ids[1], msg)
	_, data = h.reply(t, "940000000000000004")
	why := embedText(data)
	for _, want := range []string{"Understood as", "Expects:", "Passages weighed", "✅", "Why:", "index "} {
		if !strings.Contains(why, want) {
			t.Errorf("why this answer: lacks %q:\n%s", want, why)
		}
	}
	if flags, _ := data["flags"].(float64); int(flags)&64 == 0 {
		t.Error("why this answer: not private")
	}
	click(h, t, "940000000000000003", ids[2], msg)
	_, data = h.reply(t, "940000000000000003")
	if flags, _ := data["flags"].(float64); int(flags)&64 == 0 || !strings.Contains(data["content"].(string), "Thanks") {
		t.Errorf("feedback: %v", data)
	}
	fb, err := os.ReadFile(filepath.Join(h.cfg.DataDir, "feedback.jsonl"))
	if err != nil || !strings.Contains(string(fb), `"vote":"up"`) || !strings.Contains(string(fb), "humanoid") {
		t.Errorf("feedback not recorded: %q, %v", fb, err)
	}
}

func TestSearchPagination(t *testing.T) {
	h := start(t, nil, nil)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("960000000000000001", 2, "400000000000000001",
		discordtest.Command("search", discordtest.Option("query", "Six Little Dragons Hangzhou", false)), nil))
	_, page1 := h.reply(t, "960000000000000001")
	ids := customIDs(page1)
	if len(ids) != 2 || !strings.HasPrefix(ids[1], "page:1:") {
		t.Fatalf("search buttons: %v", ids)
	}
	page1["id"] = "960000000000000099"
	// Restart: a new bot with the same index answers the button.
	h2 := startWith(t, nil, nil)
	click(h2, t, "960000000000000002", ids[1], page1)
	typ, page2 := h2.reply(t, "960000000000000002")
	if typ != 7 && typ != -1 {
		t.Errorf("next page: reply type %d, want 7 (update the message)", typ)
	}
	if !strings.Contains(embedText(page2), "page 2 of") || !strings.Contains(embedText(page2), "\"6.") {
		t.Errorf("next page does not show results 6 onward: %s", embedText(page2))
	}
	// A button from before a reindex says so.
	stale := strings.Replace(ids[1], ":"+strings.Split(ids[1], ":")[2]+":", ":oldversion:", 1)
	click(h2, t, "960000000000000003", stale, page1)
	_, data := h2.reply(t, "960000000000000003")
	if c, _ := data["content"].(string); !strings.Contains(c, "reindexed") {
		t.Errorf("stale page button: content %q, want a note that the index changed", c)
	}
}

func TestLookupCommand(t *testing.T) {
	h := start(t, nil, nil)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("970000000000000001", 2, "400000000000000001",
		discordtest.Command("sector", discordtest.Option("name", "BCI", false)), nil))
	_, data := h.reply(t, "970000000000000001")
	if text := embedText(data); !strings.Contains(text, "Brain-computer interfaces") || !strings.Contains(text, "[1]") {
		t.Errorf("sector card: %s", text)
	}
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("970000000000000002", 2, "400000000000000001",
		discordtest.Command("policy", discordtest.Option("name", "@everyone knitting", false)), nil))
	_, data = h.reply(t, "970000000000000002")
	if c, _ := data["content"].(string); !strings.Contains(c, "don't know a policy") || strings.Contains(c, "@everyone") {
		t.Errorf("unknown policy: %q", c)
	}
	for i, name := range []string{"sources", "help"} {
		id := "97000000000000001" + string(rune('0'+i))
		h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction(id, 2, "400000000000000001", discordtest.Command(name), nil))
		_, data := h.reply(t, id)
		if len(embedText(data)) < 50 {
			t.Errorf("/%s: %v", name, data)
		}
		// /sources gives each source's dates.
		if name == "sources" && !strings.Contains(embedText(data), "(2025-07-13)") {
			t.Errorf("/sources without dates: %s", embedText(data))
		}
	}
}

func TestOddPayloadsAndMissingOptions(t *testing.T) {
	h := start(t, nil, nil)
	// /ask without its question, /sources with a string page, unknown command, unknown button.
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("980000000000000001", 2, "400000000000000001", discordtest.Command("ask"), nil))
	_, data := h.reply(t, "980000000000000001")
	if c, _ := data["content"].(string); !strings.Contains(c, "Ask me something") {
		t.Errorf("/ask without a question: %v", data)
	}
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("980000000000000002", 2, "400000000000000001",
		discordtest.Command("sources", discordtest.Option("page", "many", false)), nil))
	h.reply(t, "980000000000000002")
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("980000000000000003", 2, "400000000000000001", discordtest.Command("frobnicate"), nil))
	h.reply(t, "980000000000000003")
	click(h, t, "980000000000000004", "page:notanumber", nil)
	h.reply(t, "980000000000000004")
	h.fake.Dispatch(t, "INTERACTION_CREATE", map[string]any{"id": "980000000000000005", "type": 99, "application_id": h.fake.AppID, "token": "x"})
	h.fake.Dispatch(t, "MESSAGE_CREATE", map[string]any{"id": "980000000000000006"})
	// Still answering afterwards.
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("980000000000000007", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil))
	_, data = h.reply(t, "980000000000000007")
	if !strings.Contains(embedText(data), "Brain-computer") {
		t.Errorf("bot stopped answering after odd payloads: %v", data)
	}
}

func TestRateLimit(t *testing.T) {
	h := start(t, func(c *bot.Config) { c.RateLimit = 2 }, nil)
	for i := range 3 {
		id := "99000000000000000" + string(rune('1'+i))
		h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction(id, 2, "400000000000000001",
			discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil))
		_, data := h.reply(t, id)
		c, _ := data["content"].(string)
		if i < 2 && c != "" {
			t.Errorf("question %d refused: %q", i+1, c)
		}
		if i == 2 && (!strings.Contains(c, "try again in") || int(data["flags"].(float64))&64 == 0) {
			t.Errorf("third question in a minute: %v, want an ephemeral 'try again in N s'", data)
		}
	}
}

func TestPanicIsContained(t *testing.T) {
	e, _ := sharedEngine(t)
	h := start(t, nil, &slowEngine{Engine: e, panic: true})
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("990000000000000101", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil))
	_, data := h.reply(t, "990000000000000101")
	if c, _ := data["content"].(string); !strings.Contains(c, "Sorry") || int(data["flags"].(float64))&64 == 0 {
		t.Errorf("panic: reply %v, want an ephemeral apology", data)
	}
	if !strings.Contains(h.logs.String(), "boom in Ask") || !strings.Contains(h.logs.String(), "goroutine") {
		t.Error("panic and stack not logged")
	}
	// Other commands still work.
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("990000000000000102", 2, "400000000000000001", discordtest.Command("help"), nil))
	h.reply(t, "990000000000000102")
}

func TestSlowAnswerIsDeferred(t *testing.T) {
	e, _ := sharedEngine(t)
	h := start(t, func(c *bot.Config) { c.DeferAfter = 100 * time.Millisecond }, &slowEngine{Engine: e, delay: 600 * time.Millisecond})
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("990000000000000201", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", true), discordtest.Option("private", true, false)), nil))
	typ, data := h.reply(t, "990000000000000201")
	if typ != -1 {
		t.Errorf("slow answer: reply type %d, want a deferral then an edit", typ)
	}
	var deferral struct {
		Type int `json:"type"`
		Data struct {
			Flags int `json:"flags"`
		} `json:"data"`
	}
	for _, r := range h.fake.Requests() {
		if strings.HasPrefix(r.Path, "/interactions/990000000000000201/") {
			r.JSON(&deferral)
		}
	}
	if deferral.Type != 5 || deferral.Data.Flags&64 == 0 {
		t.Errorf("deferral: %+v, want type 5, ephemeral", deferral)
	}
	if !strings.Contains(embedText(data), "Brain-computer") {
		t.Errorf("edited answer: %v", data)
	}
	assertNoPings(t, data)
}

func TestRateLimitedReplyIsRetried(t *testing.T) {
	h := start(t, nil, nil)
	h.fake.FailNext("POST", "/interactions/990000000000000301/", 429)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("990000000000000301", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil))
	h.fake.Wait(wait, func() bool { return countPrefix(h, "POST", "/interactions/990000000000000301/") >= 2 })
	if n := countPrefix(h, "POST", "/interactions/990000000000000301/"); n != 2 {
		t.Errorf("%d reply attempts, want the 429 then one retry", n)
	}
}

func TestReconnectResumes(t *testing.T) {
	h := start(t, nil, nil)
	h.fake.RequestReconnect(t)
	if !h.fake.Wait(wait, func() bool { _, resumes, _ := h.fake.Counts(); return resumes > 0 }) {
		identifies, resumes, _ := h.fake.Counts()
		t.Fatalf("no RESUME after op 7 (identifies %d, resumes %d)", identifies, resumes)
	}
	h.fake.Wait(wait, func() bool { return h.bot.Connected() })
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("990000000000000401", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil))
	_, data := h.reply(t, "990000000000000401")
	if !strings.Contains(embedText(data), "Brain-computer") {
		t.Errorf("after resume: %v", data)
	}
}

func TestShutdownFinishesInFlight(t *testing.T) {
	e, _ := sharedEngine(t)
	slow := &slowEngine{Engine: e, delay: 2500 * time.Millisecond, asked: make(chan struct{})}
	h := start(t, func(c *bot.Config) { c.DeferAfter = time.Minute }, slow)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("990000000000000501", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil))
	asking(t, slow) // the question is being answered
	h.stop(t)       // as on SIGTERM: returns once the bot has closed
	delivered := false
	for _, r := range h.fake.Requests() {
		delivered = delivered || strings.HasPrefix(r.Path, "/interactions/990000000000000501/") && strings.Contains(string(r.Body), "Brain-computer")
	}
	if !delivered {
		t.Error("the bot closed before delivering the answer in flight")
	}
}

func TestContextMenuAndSearchFilters(t *testing.T) {
	h := start(t, nil, nil)
	target := map[string]any{"id": "600000000000000001", "channel_id": "300000000000000002", "content": "How many CAR-T therapies has China approved?",
		"author": discordtest.User("400000000000000007", "someone"), "timestamp": time.Now().UTC().Format(time.RFC3339)}
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("610000000000000001", 2, "400000000000000001",
		map[string]any{"id": "200000000000000009", "name": "Ask futurebot", "type": 3, "target_id": "600000000000000001",
			"resolved": map[string]any{"messages": map[string]any{"600000000000000001": target}}}, nil))
	_, data := h.reply(t, "610000000000000001")
	if !strings.Contains(strings.ReplaceAll(embedText(data), "**", ""), "Five CAR T-cell therapies") {
		t.Errorf("Ask futurebot on a message: %s", embedText(data))
	}

	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("610000000000000002", 4, "400000000000000001",
		discordtest.Command("search", discordtest.Option("query", "robots", false), discordtest.Option("sector", "humanoid", true)), nil))
	choices := choicesOf(t, h, "610000000000000002")
	if len(choices) == 0 || choices[0]["value"] != "Humanoid robots" {
		t.Errorf("search sector autocomplete: %v", choices)
	}
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("610000000000000003", 2, "400000000000000001",
		discordtest.Command("search", discordtest.Option("query", "Morgan Stanley", false), discordtest.Option("company", "Unitree", false)), nil))
	_, data = h.reply(t, "610000000000000003")
	if text := embedText(data); !strings.Contains(text, "Unitree") || !strings.Contains(text, "company=Unitree") {
		t.Errorf("filtered search: %s", text)
	}
}

func TestDirectMessageQuestion(t *testing.T) {
	h := start(t, nil, nil)
	dm := discordtest.MessageCreate("620000000000000001", "300000000000000077", "400000000000000001", "What is 宇树?")
	delete(dm, "guild_id")
	h.fake.Dispatch(t, "MESSAGE_CREATE", dm)
	r := h.fake.WaitRequest(t, wait, "DM reply", func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == "/channels/300000000000000077/messages"
	})
	if !strings.Contains(string(r.Body), "Unitree") {
		t.Errorf("DM reply: %s", r.Body)
	}
}

func TestRefusedIntentIsExplained(t *testing.T) {
	h := start(t, func(c *bot.Config) { c.AskChannels = []string{"300000000000000009"} }, nil)
	h.fake.CloseGateway(t, 4014, "Disallowed intent(s).")
	if !h.fake.Wait(wait, func() bool { return strings.Contains(h.logs.String(), "Message Content Intent") }) {
		t.Errorf("no hint about the Message Content intent in the logs:\n%.3000s", h.logs.String())
	}
}

func TestIdentifyIntentsAndShard(t *testing.T) {
	type identify struct {
		Intents int     `json:"intents"`
		Shard   *[2]int `json:"shard"`
	}
	const messageContent = 1 << 15
	plain := start(t, nil, nil)
	var id identify
	json.Unmarshal(plain.fake.Identify(), &id)
	if id.Intents&messageContent != 0 || id.Shard != nil {
		t.Errorf("without ask-channels or shards: intents %b, shard %v; want no Message Content, no shard", id.Intents, id.Shard)
	}
	sharded := startWith(t, func(c *bot.Config) { c.AskChannels = []string{"1"}; c.ShardID, c.ShardCount = 1, 2 }, nil)
	json.Unmarshal(sharded.fake.Identify(), &id)
	if id.Intents&messageContent == 0 || id.Shard == nil || *id.Shard != [2]int{1, 2} {
		t.Errorf("with ask-channels and shard 1/2: intents %b, shard %v", id.Intents, id.Shard)
	}
}

func TestLongQuestionIsTrimmed(t *testing.T) {
	h := start(t, nil, nil)
	long := "Who are the Six Little Dragons? " + strings.Repeat("Please explain in detail. ", 40)
	h.fake.Dispatch(t, "INTERACTION_CREATE", h.fake.Interaction("630000000000000001", 2, "400000000000000001",
		discordtest.Command("ask", discordtest.Option("question", long, false)), nil))
	_, data := h.reply(t, "630000000000000001")
	if c, _ := data["content"].(string); !strings.Contains(c, "first 500 characters") {
		t.Errorf("long question: content %q, want a note that it was trimmed", c)
	}
	if !strings.Contains(embedText(data), "Manycore") {
		t.Errorf("long question not answered: %s", embedText(data))
	}
}

// TestOtherDiscordShapes: a READY without an application object, and a
// mention that only shows in the content (no mentions array).
func TestOtherDiscordShapes(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	fake.NoApplicationInReady = true
	client, _ := bot.NewHTTPClient(fake.URL())
	e, info := sharedEngine(t)
	logs := &syncBuffer{}
	b, err := bot.New(bot.Config{Token: "shape-token", HTTPClient: client}, e, func() service.IndexInfo { return info },
		slog.New(slog.NewTextHandler(logs, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() { cancel(); <-done }()
	select {
	case <-b.Registered():
	case <-time.After(wait):
		t.Fatalf("commands not registered without an application in READY:\n%s", logs.String())
	}
	r := fake.WaitRequest(t, wait, "global registration", func(r discordtest.Request) bool { return r.Method == "PUT" })
	if r.Path != "/applications/"+fake.BotID+"/commands" {
		t.Errorf("registered at %s, want the bot user's ID as the application", r.Path)
	}
	fake.Wait(wait, func() bool { _, _, hb := fake.Counts(); return hb > 0 })
	fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate("640000000000000001", "300000000000000002", "400000000000000001",
		"<@!"+fake.BotID+"> what is BCI?"))
	m := fake.WaitRequest(t, wait, "reply to a content-only mention", func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == "/channels/300000000000000002/messages"
	})
	if !strings.Contains(string(m.Body), "Brain-computer") {
		t.Errorf("reply: %s", m.Body)
	}
}

// TestTokenNeverEchoed: a token given with its "Bot " prefix is sent once,
// not as "Bot Bot …", and a refusal from Discord that echoes it does not
// carry it into the error.
func TestTokenNeverEchoed(t *testing.T) {
	const token = "echo-SECRET-token-42"
	var auth atomic.Value
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"message": "401: Unauthorized %s", "code": 0}`, r.Header.Get("Authorization"))
	}))
	defer upstream.Close()
	client, err := bot.NewHTTPClient(upstream.URL)
	if err != nil {
		t.Fatal(err)
	}
	e, info := sharedEngine(t)
	b, err := bot.New(bot.Config{Token: "Bot " + token, HTTPClient: client}, e, func() service.IndexInfo { return info },
		slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	err = b.Run(context.Background())
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "Reset Token") {
		t.Errorf("run with a refused token: %v, want the fix and no token", err)
	}
	if got, _ := auth.Load().(string); got != "Bot "+token {
		t.Errorf("Authorization %q, want %q", got, "Bot "+token)
	}
}

// TestMissingPermissionsExplained: a reply Discord forbids in a channel is
// explained once, with the permissions to give, however often it happens.
func TestMissingPermissionsExplained(t *testing.T) {
	h := start(t, nil, nil)
	botUser := map[string]any{"id": h.fake.BotID, "username": "futurebot", "bot": true}
	for i, id := range []string{"892000000000000001", "892000000000000002"} {
		h.fake.FailNext("POST", "/channels/300000000000000004/messages", 403)
		h.fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate(id, "300000000000000004", "400000000000000001",
			"<@"+h.fake.BotID+"> what is BCI?", botUser))
		h.fake.Wait(wait, func() bool { return countPrefix(h, "POST", "/channels/300000000000000004/messages") >= i+1 })
		settle(t, h)
	}
	if n := strings.Count(h.logs.String(), "Send Messages"); n != 1 {
		t.Errorf("the missing permissions were explained %d times, want once:\n%s", n, h.logs.String())
	}
}

// TestChannelSettings: an admin's /settings apply at once in the channel
// and survive a restart; a member may not change them.
func TestChannelSettings(t *testing.T) {
	h := start(t, nil, nil)
	const ch = "300000000000000007"
	settings := func(h *harness, id string, admin bool, opts ...map[string]any) string {
		i := h.fake.Interaction(id, 2, "400000000000000001", discordtest.Command("settings", opts...), nil)
		i["channel_id"] = ch
		if admin {
			i = discordtest.AdminMember(i)
		}
		h.fake.Dispatch(t, "INTERACTION_CREATE", i)
		_, data := h.reply(t, id)
		c, _ := data["content"].(string)
		return c
	}
	if c := settings(h, "960000000000000001", false, discordtest.Option("answer_without_mention", true, false)); !strings.Contains(c, "Manage Server") {
		t.Errorf("a member changed the settings: %q", c)
	}
	c := settings(h, "960000000000000002", true, discordtest.Option("answer_without_mention", true, false), discordtest.Option("private_by_default", true, false))
	if !strings.Contains(c, "without a mention: **on**") || !strings.Contains(c, "privately by default: **on**") {
		t.Errorf("/settings: %q", c)
	}
	// A question without a mention is now answered in the channel.
	h.fake.Dispatch(t, "MESSAGE_CREATE", discordtest.MessageCreate("960000000000000003", ch, "400000000000000001", "What is BCI?"))
	h.fake.WaitRequest(t, wait, "reply without a mention", func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == "/channels/"+ch+"/messages"
	})
	// /ask is private unless the member says otherwise.
	ask := h.fake.Interaction("960000000000000004", 2, "400000000000000001", discordtest.Command("ask", discordtest.Option("question", "What is BCI?", false)), nil)
	ask["channel_id"] = ch
	h.fake.Dispatch(t, "INTERACTION_CREATE", ask)
	if _, data := h.reply(t, "960000000000000004"); int(data["flags"].(float64))&64 == 0 {
		t.Error("/ask in a private-by-default channel was public")
	}
	// Kept across a restart: a new bot on the same data directory.
	h2 := startWith(t, func(c *bot.Config) { c.DataDir = h.cfg.DataDir }, nil)
	if c := settings(h2, "960000000000000005", true); !strings.Contains(c, "without a mention: **on**") {
		t.Errorf("after a restart: %q", c)
	}
}
