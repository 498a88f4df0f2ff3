package bot

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/service"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"**bold** _it_ ~~s~~ `c` ||spoiler||", `\*\*bold\*\* \_it\_ \~\~s\~\~ \` + "`" + `c\` + "`" + ` \|\|spoiler\|\|`},
		{"@everyone and @here", "@\u200beveryone and @\u200bhere"},
		{"<@123> [x](http://e.com)", `\<@` + "\u200b" + `123\> \[x\]\(http://e.com\)`},
		{"# heading\n- item\n> quote", "\\# heading\n\\- item\n\\> quote"},
		{"well-known 2021-25", "well-known 2021-25"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAbstentionQuotesNearestPassages: a declined question says so, and
// quotes the nearest passages under their sources, escaped, as where to
// read on rather than as an answer.
func TestAbstentionQuotesNearestPassages(t *testing.T) {
	a := answers.Answer{Question: "who founded unitree?", Suggestions: []answers.Suggestion{
		{Title: "Unitree", URL: "https://example.com/u", Snippet: "Unitree is a **robotics** company\nfrom Hangzhou. @everyone"},
	}}
	m := AnswerMessage(a)
	checkLimits(t, m)
	d := m.Embeds[0].Description
	if m.Embeds[0].Title != "Not in my sources" {
		t.Errorf("title %q, want %q", m.Embeds[0].Title, "Not in my sources")
	}
	want := `> Unitree is a \*\*robotics\*\* company from Hangzhou. @` + "\u200b" + `everyone`
	if !strings.Contains(d, want) {
		t.Errorf("description does not quote the nearest passage as %q:\n%s", want, d)
	}
	if src := strings.Index(d, "**[1]** [Unitree](https://example.com/u)"); src < 0 || src > strings.Index(d, "> Unitree") {
		t.Errorf("the quote comes before its source:\n%s", d)
	}
}

// oddText makes random text: long, short, markdown, mentions, emoji,
// Chinese, control characters and invalid UTF-8.
func oddText(rng *rand.Rand) string {
	pieces := []string{"@everyone", "@here", "<@123456>", "**", "__", "`", "```", "||", "\n", "> ", "# ", "[x](http://e.com)",
		"工信部", "🤖", "\u200b", "\x00", "\xff", "é", "a", "word ", strings.Repeat("x", 300), strings.Repeat("long sentence. ", 40)}
	var b strings.Builder
	for range rng.IntN(60) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

func oddAnswer(rng *rand.Rand) answers.Answer {
	text := oddText(rng)
	a := answers.Answer{Question: oddText(rng), Answered: rng.IntN(3) > 0, Confidence: []answers.Confidence{answers.High, answers.Medium, answers.Low}[rng.IntN(3)]}
	if a.Answered {
		a.Text = text
		for range rng.IntN(5) {
			s := rng.IntN(len(text) + 1)
			a.Highlights = append(a.Highlights, corpus.Span{Start: s, End: s + rng.IntN(10)})
		}
		for n := 1; n <= 1+rng.IntN(3); n++ {
			a.Citations = append(a.Citations, answers.Citation{N: n, Title: oddText(rng), URL: "https://example.com/" + strings.Repeat("p", rng.IntN(200)),
				Source: oddText(rng), Published: "2025-07-13", Snippet: oddText(rng)})
		}
	} else {
		for range rng.IntN(4) {
			a.Suggestions = append(a.Suggestions, answers.Suggestion{Title: oddText(rng), URL: "https://example.com/", Snippet: oddText(rng)})
		}
	}
	return a
}

// checkLimits fails when a message breaks one of Discord's limits or could ping.
func checkLimits(t *testing.T, m Message) {
	t.Helper()
	if n := utf8.RuneCountInString(m.Content); n > maxContent {
		t.Errorf("content of %d characters", n)
	}
	if len(m.Embeds) > 10 {
		t.Errorf("%d embeds", len(m.Embeds))
	}
	total := 0
	for _, e := range m.Embeds {
		if n := utf8.RuneCountInString(e.Title); n > maxEmbedTitle {
			t.Errorf("embed title of %d characters", n)
		}
		if n := utf8.RuneCountInString(e.Description); n > maxEmbedDesc {
			t.Errorf("embed description of %d characters", n)
		}
		if e.Footer != nil && utf8.RuneCountInString(e.Footer.Text) > maxEmbedFooter {
			t.Errorf("footer too long")
		}
		if e.Author != nil && utf8.RuneCountInString(e.Author.Name) > maxEmbedAuthor {
			t.Errorf("author name of %d characters", utf8.RuneCountInString(e.Author.Name))
		}
		if len(e.Fields) > maxFields {
			t.Errorf("%d fields", len(e.Fields))
		}
		for _, f := range e.Fields {
			if utf8.RuneCountInString(f.Name) > maxFieldName || utf8.RuneCountInString(f.Value) > maxFieldValue {
				t.Errorf("field too long")
			}
		}
		total += embedLen(e)
		raw, _ := json.Marshal(e)
		if strings.Contains(string(raw), "@everyone") || strings.Contains(string(raw), "@here") {
			t.Errorf("unbroken mass mention in embed: %s", raw)
		}
	}
	if total > maxEmbedTotal {
		t.Errorf("embeds total %d characters", total)
	}
	if len(m.Components) > maxRows {
		t.Errorf("%d component rows", len(m.Components))
	}
	for _, c := range m.Components {
		row, ok := c.(discordgo.ActionsRow)
		if !ok {
			t.Fatalf("component %T is not an action row", c)
		}
		if len(row.Components) > maxButtonsPerRow {
			t.Errorf("%d buttons in a row", len(row.Components))
		}
		for _, b := range row.Components {
			btn := b.(discordgo.Button)
			if len(btn.CustomID) > maxCustomID || utf8.RuneCountInString(btn.Label) > maxButtonLabel {
				t.Errorf("button %q / %q too long", btn.Label, btn.CustomID)
			}
		}
	}
	d := m.interactionData()
	if d.AllowedMentions == nil || d.AllowedMentions.Parse == nil || len(d.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions not an empty parse list")
	}
	raw, _ := json.Marshal(d)
	if !strings.Contains(string(raw), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("allowed_mentions serialises as %.300s", raw)
	}
}

// TestRenderWithinLimits renders random, long and odd answers and cards and
// checks every message against Discord's limits.
func TestRenderWithinLimits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		checkLimits(t, AnswerMessage(oddAnswer(rng)))
		card := answers.Card{Entity: corpus.Entity{Name: oddText(rng), Kind: corpus.Sector, Description: oddText(rng),
			Aliases: []string{oddText(rng), oddText(rng)}}}
		for n := 1; n <= rng.IntN(4); n++ {
			card.Facts = append(card.Facts, answers.Citation{N: n, Title: oddText(rng), Snippet: oddText(rng), URL: "https://e.com"})
		}
		for range rng.IntN(30) {
			card.Related = append(card.Related, corpus.Entity{Name: oddText(rng), Kind: corpus.Company})
		}
		checkLimits(t, CardMessage(card))
		checkLimits(t, TextMessage(oddText(rng)+strings.Repeat("y", rng.IntN(3000)), rng.IntN(2) == 0))
		a := oddAnswer(rng)
		x := &answers.Explanation{Understood: oddText(rng), Entities: []string{oddText(rng)}, Types: []string{oddText(rng)},
			Alternatives: []string{oddText(rng), oddText(rng)}, Why: oddText(rng)}
		for range rng.IntN(40) {
			x.Terms = append(x.Terms, answers.ExplainedTerm{Term: oddText(rng), Share: rng.Float64()})
		}
		for range rng.IntN(6) {
			x.Considered = append(x.Considered, answers.Considered{Title: oddText(rng), Text: oddText(rng), Chosen: rng.IntN(2) == 0})
		}
		a.Explain = x
		checkLimits(t, WhyMessage(a, service.IndexInfo{Version: oddText(rng)}))
	}
	checkLimits(t, HelpMessage())
}

func FuzzRenderAnswer(f *testing.F) {
	f.Add("Who are the dragons? @everyone", "Six **firms**", "Title", "Source", uint8(2), true)
	f.Fuzz(func(t *testing.T, q, text, title, source string, hl uint8, answered bool) {
		a := answers.Answer{Question: q, Answered: answered, Text: text, Confidence: answers.Medium,
			Highlights: []corpus.Span{{Start: int(hl), End: int(hl) + 3}}}
		if answered {
			a.Citations = []answers.Citation{{N: 1, Title: title, Source: source, Snippet: text}}
		}
		checkLimits(t, AnswerMessage(a))
	})
}

func TestEmphasize(t *testing.T) {
	text := "Five CAR T-cell therapies\n- listed"
	got := emphasize(text, []corpus.Span{{Start: 9, End: 10}, {Start: 11, End: 15}})
	want := "Five CAR **T**-**cell** therapies\n\\- listed"
	if got != want {
		t.Errorf("emphasize: got %q, want %q", got, want)
	}
}

func TestQuestionRoundTrip(t *testing.T) {
	q := "What did @everyone say about 工信部?"
	m := AnswerMessage(answers.Answer{Question: q})
	msg := &discordgo.Message{Embeds: m.Embeds}
	if got := questionOf(msg); got != q {
		t.Errorf("question read back as %q, want %q", got, q)
	}
}

func BenchmarkRenderAnswer(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	var as []answers.Answer
	for range 100 {
		as = append(as, oddAnswer(rng))
	}
	i := 0
	for b.Loop() {
		AnswerMessage(as[i%len(as)])
		i++
	}
}

// FuzzCustomID decodes button custom IDs and the search state a message
// carries, as a click from anyone may send them.
func FuzzCustomID(f *testing.F) {
	f.Add("page:1:20261127T150000.000:ab12cd34", "🔎 robots", "sector=Humanoid robots · page 1 of 2 · 7 results")
	f.Add("fb:up:deadbeef", "❓ question", "")
	f.Fuzz(func(t *testing.T, id, author, footer string) {
		if page, _, _, ok := parsePageID(id); ok && (page < 0 || page > 1000) {
			t.Fatalf("page %d accepted from %q", page, id)
		}
		msg := &discordgo.Message{Embeds: []*discordgo.MessageEmbed{{Author: &discordgo.MessageEmbedAuthor{Name: author},
			Footer: &discordgo.MessageEmbedFooter{Text: footer}}}}
		searchStateOf(msg)
		questionOf(msg)
		(&Request{Options: map[string]any{"x": id}}).Int("x", 1)
	})
}

// TestSnippetAroundKeepsCharacters: a /search snippet of text without
// spaces (Chinese) is cut between characters, never inside one, and its
// marks still cover the matched words.
func TestSnippetAroundKeepsCharacters(t *testing.T) {
	zh := strings.Repeat("连江县是福建省海带产量最高的县。", 40)
	en := strings.Repeat("Cargo drones carried parcels across the harbour this month. ", 20)
	for _, text := range []string{zh, en, zh + en, en + zh} {
		for _, word := range []string{"海带", "harbour"} {
			at := strings.LastIndex(text, word)
			if at < 0 {
				continue
			}
			ms := []corpus.Match{{Span: corpus.Span{Start: at, End: at + len(word)}}}
			for _, n := range []int{1, 7, 50, 280} {
				s, marks := snippetAround(text, ms, n)
				if !utf8.ValidString(s) {
					t.Fatalf("n=%d: snippet cuts a character: %q", n, s)
				}
				for _, m := range marks {
					if s[m.Start:m.End] != word {
						t.Errorf("n=%d: mark %v covers %q, want %q", n, m, s[m.Start:m.End], word)
					}
				}
			}
		}
	}
}

// TestDatedSources: every citation shows its date, "undated" when it has
// none, and an answer from an old source says its month.
func TestDatedSources(t *testing.T) {
	a := answers.Answer{Question: "How many drones?", Answered: true, Text: "Forty drones.", Confidence: answers.High,
		SourceMonth: "July 2025", Citations: []answers.Citation{
			{N: 1, Title: "Old", Source: "News", Published: "2025-07-13", Snippet: "Forty drones."},
			{N: 2, Title: "No date", Source: "Blog", Snippet: "Some drones."},
		}}
	d := AnswerMessage(a).Embeds[0].Description
	for _, want := range []string{"From a source of July 2025", "News, 2025-07-13", "Blog, undated"} {
		if !strings.Contains(d, want) {
			t.Errorf("answer lacks %q:\n%s", want, d)
		}
	}
	a.SourceMonth = ""
	if d := AnswerMessage(a).Embeds[0].Description; strings.Contains(d, "From a source of") {
		t.Errorf("a recent source is called old:\n%s", d)
	}
}

// TestCiteLineLinkCannotBreakOut: a source's address cannot end its link
// early and start another.
func TestCiteLineLinkCannotBreakOut(t *testing.T) {
	line := citeLine(1, "Claim", "https://e.example/a) **PINNED** [verify](https://phish.example/login", "", "")
	target := line[strings.Index(line, "](")+2:]
	if strings.Count(target, ")") != 1 || !strings.HasSuffix(target, ")") || strings.Contains(target, " ") || strings.Contains(target, "[") {
		t.Errorf("link target %q breaks out", target)
	}
}
