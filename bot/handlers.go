package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/gaps"
	"futurebot/service"
)

// routes registers every handler.
func (b *Bot) routes() {
	r := b.router
	ask := func(question func(*Request) string) Handler {
		return func(ctx context.Context, req *Request) (*Response, error) {
			if !b.cfg.HTTPOnly && b.threads.known(req.ChannelID) {
				return b.followUp(ctx, req, question(req))
			}
			return b.answer(ctx, req, question(req))
		}
	}
	r.Handle(KindCommand, cmdAsk, ask(func(req *Request) string { return req.String("question") }))
	r.Handle(KindCommand, cmdAskMsg, ask(func(req *Request) string { return req.Text }))
	r.Handle(KindMessage, "message", ask(func(req *Request) string { return req.Text }))
	r.Handle(KindAutocomplete, cmdAsk, b.suggestQuestions)
	r.Handle(KindCommand, cmdSearch, b.search)
	r.Handle(KindAutocomplete, cmdSearch, b.completeEntity)
	for _, k := range []string{cmdSector, cmdCompany, cmdPolicy} {
		r.Handle(KindCommand, k, b.lookup)
		r.Handle(KindAutocomplete, k, b.completeEntity)
	}
	r.Handle(KindCommand, cmdSources, b.sources)
	r.Handle(KindCommand, cmdHelp, func(context.Context, *Request) (*Response, error) {
		m := HelpMessage()
		return &Response{Message: &m}, nil
	})
	r.Handle(KindComponent, idMore, b.moreSources)
	r.Handle(KindComponent, idWhy, b.why)
	r.Handle(KindComponent, idThread, b.continueInThread)
	r.Handle(KindComponent, idFeedback, b.feedbackClick)
	r.Handle(KindComponent, idPage, b.searchPage)
	b.adminRoutes()
}

// answer asks the engine and renders the answer.
// MaxQuestionRunes caps a question; longer ones are trimmed, with a note.
const MaxQuestionRunes = 500

func (b *Bot) answer(ctx context.Context, req *Request, question string) (*Response, error) {
	start := time.Now()
	question, trimmed := trimQuestion(cleanQuestion(question))
	a, err := b.engine.Ask(ctx, question)
	return b.reply(req, a, err, start, trimmed, "")
}

// followUp answers a question asked in one of the bot's threads, read with
// the questions asked there before it. When the conversation leads
// nowhere but the question alone has an answer, that answer is given.
func (b *Bot) followUp(ctx context.Context, req *Request, question string) (*Response, error) {
	start := time.Now()
	asked, trimmed := trimQuestion(cleanQuestion(question))
	earlier := b.threads.earlier(req.ChannelID, func(since time.Time) ([]string, time.Time, error) {
		return b.readConversation(req.ChannelID, req.Kind == KindMessage, req.ID, since)
	})
	understood, changed := b.engine.FollowUp(earlier, asked)
	a, err := b.engine.Ask(ctx, understood)
	if err == nil && changed && !a.Answered {
		if alone, err := b.engine.Ask(ctx, asked); err == nil && alone.Answered {
			a, understood, changed = alone, asked, false
		}
	}
	// A private answer stays private: it is not part of the thread's
	// conversation (others would see its subject carried over).
	if err == nil && strings.TrimSpace(understood) != "" && !req.Ephemeral {
		if err := b.threads.add(req.ChannelID, understood); err != nil {
			b.log.Warn("saving the bot's threads failed", "err", err)
		}
	}
	note := ""
	if changed {
		note = "Understood as: " + Escape(truncate(understood, 300))
	}
	return b.reply(req, a, err, start, trimmed, note)
}

// trimQuestion cuts a question to MaxQuestionRunes.
func trimQuestion(q string) (string, bool) {
	if r := []rune(q); len(r) > MaxQuestionRunes {
		return string(r[:MaxQuestionRunes]), true
	}
	return q, false
}

// reply renders an answer to req, with a note before it.
func (b *Bot) reply(req *Request, a answers.Answer, err error, start time.Time, trimmed bool, note string) (*Response, error) {
	if errors.Is(err, answers.ErrEmptyQuestion) {
		m := TextMessage("Ask me something about China's future industries — for example: Who are the Six Little Dragons?", true)
		return &Response{Message: &m}, nil
	}
	if err != nil {
		return nil, err
	}
	b.metrics.latency.Observe(time.Since(start).Seconds())
	if a.Answered {
		b.metrics.questions.WithLabelValues("answered").Inc()
	} else {
		b.metrics.questions.WithLabelValues("abstained").Inc()
		b.recordGap(a.Question, req.ChannelID, gaps.Declined)
	}
	m := AnswerMessage(a)
	m.Ephemeral = req.Kind == KindCommand && req.Name == cmdAsk && req.Ephemeral
	if trimmed {
		note = strings.TrimSpace(note + fmt.Sprintf("\nYour question was long, so I read only its first %d characters.", MaxQuestionRunes))
	}
	m.Content = note
	if b.offersThread(req, m.Ephemeral) {
		addButton(&m, discordgo.Button{Label: "Continue in thread", Style: discordgo.SecondaryButton, CustomID: idThread + ":" + questionHash(a.Question)})
	}
	return &Response{Message: &m}, nil
}

func (b *Bot) suggestQuestions(ctx context.Context, req *Request) (*Response, error) {
	qs, err := b.engine.SuggestQuestions(ctx, req.String(req.Focused), maxChoices)
	if err != nil {
		return nil, err
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	if typed := strings.TrimSpace(req.String(req.Focused)); typed != "" {
		// What the user typed is always a choice: they may mean exactly that.
		t := truncate(typed, maxChoiceLen)
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: t, Value: t})
	}
	for _, q := range qs {
		if len(choices) == maxChoices {
			break
		}
		t := truncate(q, maxChoiceLen)
		if len(choices) > 0 && choices[0].Name == t {
			continue
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: t, Value: t})
	}
	return &Response{Choices: choices}, nil
}

var discordMarkup = regexp.MustCompile(`<(@[!&]?|#)\d+>|@(everyone|here)\b|<a?:\w+:\d+>`)

// cleanQuestion removes what Discord adds to a message but is not part of
// a question: user, role and channel mentions, @everyone, custom emoji, and
// control characters.
func cleanQuestion(s string) string {
	s = discordMarkup.ReplaceAllString(s, " ")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' || r == 0x7f || r == '\u200b' {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// entityKindOf maps a command or option name to an entity kind.
func entityKindOf(name string) corpus.EntityKind {
	switch name {
	case cmdSector:
		return corpus.Sector
	case cmdCompany:
		return corpus.Company
	case cmdPolicy:
		return corpus.Policy
	}
	return ""
}

// completeEntity suggests entity names, ranked exact > prefix > alias > fuzzy.
func (b *Bot) completeEntity(_ context.Context, req *Request) (*Response, error) {
	kind := entityKindOf(req.Name)
	if req.Name == cmdSearch {
		kind = entityKindOf(req.Focused)
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	for _, m := range b.engine.Resolve(kind, req.String(req.Focused), maxChoices) {
		name := m.Entity.Name
		if m.Matched != "" && m.Matched != m.Entity.Name {
			name += " (" + m.Matched + ")"
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{
			Name: truncate(name, maxChoiceLen), Value: truncate(m.Entity.Name, maxChoiceLen)})
	}
	return &Response{Choices: choices}, nil
}

func (b *Bot) lookup(ctx context.Context, req *Request) (*Response, error) {
	kind := entityKindOf(req.Name)
	name := req.String("name")
	card, err := b.engine.Lookup(ctx, kind, name)
	if errors.Is(err, answers.ErrUnknownEntity) {
		var names []string
		for _, m := range b.engine.Resolve(kind, "", 10) {
			names = append(names, m.Entity.Name)
		}
		m := TextMessage(fmt.Sprintf("I don't know a %s called “%s”. Some I know: %s.", kind,
			Escape(truncate(name, 80)), Escape(strings.Join(names, ", "))), true)
		return &Response{Message: &m}, nil
	}
	if err != nil {
		return nil, err
	}
	m := CardMessage(card)
	return &Response{Message: &m}, nil
}

// moreSources lists further sources for the question an answer was about,
// just for the user who clicked.
// why explains, privately, the answer a button sits under, by answering
// its question again with the explanation.
func (b *Bot) why(ctx context.Context, req *Request) (*Response, error) {
	q := questionOf(req.Message)
	if q == "" {
		m := TextMessage("I can't tell which question this was about any more; please ask again.", true)
		return &Response{Message: &m}, nil
	}
	a, err := b.engine.AskExplained(ctx, q)
	if err != nil {
		return nil, err
	}
	m := WhyMessage(a, b.info())
	return &Response{Message: &m}, nil
}

func (b *Bot) moreSources(ctx context.Context, req *Request) (*Response, error) {
	q := questionOf(req.Message)
	if q == "" {
		m := TextMessage("I can't tell which question this was about any more; please ask again.", true)
		return &Response{Message: &m}, nil
	}
	res, err := b.engine.Search(ctx, corpus.Query{Text: q, Limit: 20})
	if err != nil {
		return nil, err
	}
	var lines []string
	seen := map[string]bool{}
	for _, h := range res.Hits {
		if seen[h.DocID] || len(lines) == 10 {
			continue
		}
		seen[h.DocID] = true
		lines = append(lines, citeLine(len(lines)+1, h.Title, h.URL, h.Source, h.Published))
	}
	if len(lines) == 0 {
		m := TextMessage("No other sources match this question.", true)
		return &Response{Message: &m}, nil
	}
	e := &discordgo.MessageEmbed{Title: "More sources", Color: colorAnswer,
		Author:      author(questionPrefix, q),
		Description: truncate(strings.Join(lines, "\n"), maxEmbedDesc)}
	return &Response{Message: &Message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}}, nil
}

func (b *Bot) feedbackClick(_ context.Context, req *Request) (*Response, error) {
	parts := strings.Split(req.CustomID, ":")
	if len(parts) != 3 || (parts[1] != "up" && parts[1] != "down") {
		m := TextMessage("That button is not one I know.", true)
		return &Response{Message: &m}, nil
	}
	q := questionOf(req.Message)
	msgID := ""
	if req.Message != nil {
		msgID = req.Message.ID
	}
	err := b.feedback.add(feedbackEntry{Time: time.Now().UTC(), Vote: parts[1], UserID: req.UserID, MessageID: msgID, Question: q, Hash: parts[2]})
	if err != nil {
		return nil, err
	}
	b.metrics.feedback.WithLabelValues(parts[1]).Inc()
	if parts[1] == "down" {
		b.recordGap(q, req.ChannelID, gaps.ThumbsDown)
	}
	m := TextMessage("Thanks for the feedback — it helps improve the answers.", true)
	return &Response{Message: &m}, nil
}

const searchPageSize = 5

// search runs /search: ranked passages with links, five a page.
func (b *Bot) search(ctx context.Context, req *Request) (*Response, error) {
	st := searchState{Query: cleanQuestion(req.String("query")), Sector: req.String("sector"),
		Company: req.String("company"), Policy: req.String("policy")}
	if st.Query == "" {
		m := TextMessage("Give me some words to search for.", true)
		return &Response{Message: &m}, nil
	}
	m, err := b.searchMessage(ctx, st, 0, "")
	if err != nil {
		return nil, err
	}
	return &Response{Message: m}, nil
}

// searchPage turns a page of /search results: the query comes back from the
// message itself, the page and index version from the button, so it works
// after a restart and says when the index has changed since.
func (b *Bot) searchPage(ctx context.Context, req *Request) (*Response, error) {
	page, version, hash, ok := parsePageID(req.CustomID)
	st, found := searchStateOf(req.Message)
	if !ok || !found || st.hash() != hash {
		m := TextMessage("I can't read that search any more; please run /search again.", true)
		return &Response{Message: &m}, nil
	}
	note := ""
	if v := b.info().Version; v != version {
		note = "The sources have been reindexed since this search; results may differ."
	}
	m, err := b.searchMessage(ctx, st, page, note)
	if err != nil {
		return nil, err
	}
	return &Response{Message: m, Update: true}, nil
}

// searchState is what a search page needs to be run again.
type searchState struct {
	Query, Sector, Company, Policy string
}

func (s searchState) hash() string {
	return questionHash(strings.Join([]string{s.Query, s.Sector, s.Company, s.Policy}, "\x00"))
}

const searchAuthorPrefix = "🔎 "

// footer keeps the filters in the message, as key=value parts, so a button
// can rebuild the search.
func (s searchState) footer() string {
	var parts []string
	for _, f := range []struct{ k, v string }{{"sector", s.Sector}, {"company", s.Company}, {"policy", s.Policy}} {
		if f.v != "" {
			parts = append(parts, f.k+"="+strings.ReplaceAll(f.v, "·", ""))
		}
	}
	return strings.Join(parts, " · ")
}

func searchStateOf(m *discordgo.Message) (searchState, bool) {
	q, ok := authorText(m, searchAuthorPrefix)
	if !ok {
		return searchState{}, false
	}
	e := m.Embeds[0]
	st := searchState{Query: q}
	if e.Footer != nil {
		for _, part := range strings.Split(e.Footer.Text, " · ") {
			k, v, _ := strings.Cut(part, "=")
			switch k {
			case "sector":
				st.Sector = v
			case "company":
				st.Company = v
			case "policy":
				st.Policy = v
			}
		}
	}
	return st, true
}

func pageID(page int, version, hash string) string {
	id := fmt.Sprintf("%s:%d:%s:%s", idPage, page, version, hash)
	if len(id) > maxCustomID {
		id = id[:maxCustomID]
	}
	return id
}

func parsePageID(id string) (page int, version, hash string, ok bool) {
	parts := strings.Split(id, ":")
	if len(parts) != 4 || parts[0] != idPage {
		return 0, "", "", false
	}
	p, err := strconv.Atoi(parts[1])
	if err != nil || p < 0 || p > 1000 {
		return 0, "", "", false
	}
	return p, parts[2], parts[3], true
}

func (b *Bot) searchMessage(ctx context.Context, st searchState, page int, note string) (*Message, error) {
	res, err := b.engine.Search(ctx, corpus.Query{Text: st.Query, Sector: st.Sector, Company: st.Company, Policy: st.Policy,
		From: page * searchPageSize, Limit: searchPageSize, Locate: searchPageSize, Browse: true})
	if err != nil {
		return nil, err
	}
	e := &discordgo.MessageEmbed{Color: colorAnswer, Author: author(searchAuthorPrefix, st.Query)}
	pages := (res.Total + searchPageSize - 1) / searchPageSize
	if len(res.Hits) == 0 {
		e.Description = "Nothing in my sources matches that."
	}
	for i, h := range res.Hits {
		snippet := h.Text
		var marks []corpus.Span
		if len(h.Matches) > 0 {
			snippet, marks = snippetAround(h.Text, h.Matches, 280)
		} else {
			snippet = truncate(snippet, 280)
		}
		name := fmt.Sprintf("%d. %s", page*searchPageSize+i+1, h.Title)
		if h.Heading != "" {
			name += " — " + h.Heading
		}
		value := "> " + strings.ReplaceAll(emphasize(snippet, marks), "\n", " ")
		if h.URL != "" {
			value += "\n" + citeLine(page*searchPageSize+i+1, h.Title, h.URL, h.Source, h.Published)
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: truncate(name, maxFieldName), Value: truncate(value, maxFieldValue)})
	}
	footer := fmt.Sprintf("page %d of %d · %d results", page+1, max(pages, 1), res.Total)
	if filters := st.footer(); filters != "" {
		footer = filters + " · " + footer
	}
	e.Footer = &discordgo.MessageEmbedFooter{Text: truncate(footer, maxEmbedFooter)}
	fitEmbed(e)
	version := b.info().Version
	hash := st.hash()
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Previous", Style: discordgo.SecondaryButton, CustomID: pageID(max(page-1, 0), version, hash), Disabled: page == 0},
		discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: pageID(page+1, version, hash), Disabled: page+1 >= pages},
	}}
	return &Message{Content: truncate(note, maxContent), Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{row}}, nil
}

// snippetAround cuts about n bytes of text around the first matches, on
// word boundaries where the text has spaces within reach and on character
// boundaries where it has none (Chinese), and moves the match spans along.
func snippetAround(text string, ms []corpus.Match, n int) (string, []corpus.Span) {
	const reach = 40 // bytes to look for a space
	start := max(ms[0].Start-n/3, 0)
	if i := strings.LastIndexByte(text[max(start-reach, 0):start], ' '); i >= 0 {
		start = max(start-reach, 0) + i + 1
	}
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	end := min(start+n, len(text))
	if i := strings.IndexByte(text[end:min(end+reach, len(text))], ' '); i >= 0 {
		end += i
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end--
	}
	var spans []corpus.Span
	for _, m := range ms {
		if m.Start >= start && m.End <= end {
			spans = append(spans, corpus.Span{Start: m.Start - start, End: m.End - start})
		}
	}
	s := text[start:end]
	if start > 0 {
		s = "…" + s
		for i := range spans {
			spans[i].Start += len("…")
			spans[i].End += len("…")
		}
	}
	if end < len(text) {
		s += "…"
	}
	return s, spans
}

const sourcesPageSize = 10

// sources lists what the corpus holds by source, with the index version.
func (b *Bot) sources(_ context.Context, req *Request) (*Response, error) {
	info := b.info()
	type row struct {
		name string
		n    int
	}
	var rows []row
	for name, n := range info.Sources {
		rows = append(rows, row{name, n})
	}
	sort.Slice(rows, func(i, j int) bool {
		return rows[i].n > rows[j].n || rows[i].n == rows[j].n && rows[i].name < rows[j].name
	})
	pages := max((len(rows)+sourcesPageSize-1)/sourcesPageSize, 1)
	page := min(max(req.Int("page", 1), 1), pages)
	var lines []string
	for _, r := range rows[min((page-1)*sourcesPageSize, len(rows)):min(page*sourcesPageSize, len(rows))] {
		dates := "undated"
		if span, ok := info.SourceDates[r.name]; ok {
			dates = span[0]
			if span[1] != span[0] {
				dates += " to " + span[1]
			}
		}
		lines = append(lines, fmt.Sprintf("• %s — %d (%s)", Escape(truncate(r.name, 150)), r.n, dates))
	}
	e := &discordgo.MessageEmbed{Title: "What my sources hold", Color: colorAnswer,
		Description: truncate(fmt.Sprintf("%d articles and %d FAQ entries in %d passages.\n\n**By source** (page %d of %d)\n%s",
			info.Articles, info.FAQs, info.Passages, page, pages, strings.Join(lines, "\n")), maxEmbedDesc),
		Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Index %s · last indexed %s", info.Version, info.Built.UTC().Format("2006-01-02 15:04 MST"))}}
	if b.cfg.Admin != nil {
		var lines []string
		for _, f := range b.cfg.Admin.Feeds() {
			line := feedLine(service.FeedInfo{Name: f.Name, LastPoll: f.LastPoll, LastNew: f.LastNew, FailedPages: f.FailedPages})
			if f.LastError != "" {
				line += " · ⚠ failing"
			}
			lines = append(lines, "• "+line)
		}
		if len(lines) > 0 {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "News feeds", Value: truncate(strings.Join(lines, "\n"), maxFieldValue)})
		}
	}
	fitEmbed(e)
	return &Response{Message: &Message{Embeds: []*discordgo.MessageEmbed{e}}}, nil
}

// HelpMessage says what the bot does and how to ask.
func HelpMessage() Message {
	e := &discordgo.MessageEmbed{Title: "futurebot", Color: colorAnswer, Description: strings.Join([]string{
		"I answer questions about China's future industries — sectors, companies and policies — by quoting my sources and citing them. I never invent an answer: when my sources don't cover a question, I say so and point at the nearest ones.",
		"",
		"**Ask** — `/ask question:Who are the Six Little Dragons?` (add `private:True` to see the answer alone), mention me with a question, or right-click a message › Apps › *Ask futurebot*.",
		"**Search** — `/search query:humanoid robots` lists matching passages with links; filter by sector, company or policy.",
		"**Look up** — `/sector`, `/company`, `/policy` show what the sources say about one of them (names and aliases autocomplete).",
		"**Sources** — `/sources` shows what I know and when it was last indexed.",
		"",
		"Under each answer: *More sources* for further reading, *Why this answer?* to see how it was chosen, 👍/👎 to tell us how it went, and *Continue in thread* to ask follow-ups (\"and Unitree?\", \"when was it founded?\") that I read with your question.",
	}, "\n")}
	return Message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}

// recordGap notes a question the sources did not serve, when the gaps log
// is on; a failure to write is logged, not shown to the member.
func (b *Bot) recordGap(question, channel, kind string) {
	if b.cfg.Gaps == nil || strings.TrimSpace(question) == "" {
		return
	}
	if err := b.cfg.Gaps.Record(gaps.Entry{Question: question, Time: time.Now().UTC(), Channel: channel, Kind: kind}); err != nil {
		b.log.Warn("recording a gap failed", "err", err)
	}
}
