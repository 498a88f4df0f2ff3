package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/service"
)

// Discord's limits (https://discord.com/developers/docs/resources/message).
const (
	maxContent       = 2000
	maxEmbedTitle    = 256
	maxEmbedDesc     = 4096
	maxEmbedFooter   = 2048
	maxEmbedAuthor   = 256
	maxEmbedTotal    = 6000
	maxFieldName     = 256
	maxFieldValue    = 1024
	maxFields        = 25
	maxCustomID      = 100
	maxButtonLabel   = 80
	maxChoices       = 25
	maxChoiceLen     = 100
	maxRows          = 5
	maxButtonsPerRow = 5
)

// Embed colours.
const (
	colorAnswer  = 0x2f7bbf
	colorLow     = 0xd99a21
	colorAbstain = 0x8a8f98
	colorCard    = 0x3c9d5d
)

// Message is what a handler returns: the content of one Discord message.
// The router sends it as an interaction reply, an edit, or a channel message.
type Message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	// Ephemeral messages are seen only by the user who asked.
	Ephemeral bool
}

// noMentions is set on every message: whatever the corpus or a question
// contains, the bot pings no one.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func (m *Message) flags() discordgo.MessageFlags {
	if m.Ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// interactionData is m as an interaction response.
func (m *Message) interactionData() *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{Content: m.Content, Embeds: m.Embeds, Components: nonNilComponents(m.Components),
		Flags: m.flags(), AllowedMentions: noMentions()}
}

// webhookEdit is m as an edit of a deferred reply.
func (m *Message) webhookEdit() *discordgo.WebhookEdit {
	content := m.Content
	embeds := m.Embeds
	components := nonNilComponents(m.Components)
	return &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &components, AllowedMentions: noMentions()}
}

// messageSend is m as a channel message replying to ref.
func (m *Message) messageSend(ref *discordgo.MessageReference) *discordgo.MessageSend {
	return &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, Components: m.Components,
		Reference: ref, AllowedMentions: noMentions()}
}

func nonNilComponents(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}

// Escape makes text from a question or the corpus show literally in
// Discord: markdown characters are escaped and mass mentions are broken so
// they neither ping nor look like pings.
func Escape(s string) string { return escapeFrom(s, true) }

// escapeFrom escapes s, which starts a line when lineStart is true (line
// starts matter for headings, lists and quotes).
func escapeFrom(s string, lineStart bool) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '~', '`', '|', '[', ']', '(', ')', '<', '>':
			b.WriteByte('\\')
		case '#', '-', '+':
			if lineStart {
				b.WriteByte('\\')
			}
		case '@':
			b.WriteRune(r)
			b.WriteRune('\u200b') // @everyone, @here, <@id> stay visible but inert
			lineStart = false
			continue
		}
		if r == '\n' {
			lineStart = true
		} else if r != ' ' {
			lineStart = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// defang breaks mass mentions in text that is shown without markdown
// (embed author names, choice names).
func defang(s string) string { return strings.ReplaceAll(s, "@", "@\u200b") }

// author is an embed author line: a prefix and text shown as is, with mass
// mentions broken, within Discord's limit.
func author(prefix, text string) *discordgo.MessageEmbedAuthor {
	return &discordgo.MessageEmbedAuthor{Name: truncate(defang(prefix+text), maxEmbedAuthor)}
}

// authorText reads back the text of an author line made by author.
func authorText(m *discordgo.Message, prefix string) (string, bool) {
	if m == nil || len(m.Embeds) == 0 || m.Embeds[0].Author == nil || !strings.HasPrefix(m.Embeds[0].Author.Name, prefix) {
		return "", false
	}
	return strings.ReplaceAll(strings.TrimPrefix(m.Embeds[0].Author.Name, prefix), "\u200b", ""), true
}

const questionPrefix = "❓ "

// truncate cuts s to at most n runes, ending with "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " \n") + "…"
}

// atLineStart reports whether position i of text begins a line (only
// spaces since the last newline).
func atLineStart(text string, i int) bool {
	line := text[:i]
	if nl := strings.LastIndexByte(line, '\n'); nl >= 0 {
		line = line[nl+1:]
	}
	return strings.TrimLeft(line, " ") == ""
}

// emphasize escapes text and makes the highlighted spans bold.
func emphasize(text string, spans []corpus.Span) string {
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		if s.Start < pos || s.End > len(text) || s.Start >= s.End {
			continue
		}
		b.WriteString(escapeFrom(text[pos:s.Start], atLineStart(text, pos)))
		b.WriteString("**" + escapeFrom(text[s.Start:s.End], atLineStart(text, s.Start)) + "**")
		pos = s.End
	}
	b.WriteString(escapeFrom(text[pos:], atLineStart(text, pos)))
	return b.String()
}

// questionHash names a question in custom IDs.
func questionHash(q string) string {
	h := sha256.Sum256([]byte(q))
	return hex.EncodeToString(h[:4])
}

// Custom ID prefixes of the buttons.
const (
	idMore     = "more"
	idWhy      = "why"
	idThread   = "thread"
	idFeedback = "fb"
	idPage     = "page"
)

// citeLine is one numbered source as a markdown line with its link.
// dated is a citation's publication date, or "undated": a source without a
// date is never given one.
func dated(published string) string {
	if published == "" {
		return "undated"
	}
	return published
}

// linkTarget escapes what would end a Markdown link's target early or
// start another link inside it.
var linkTarget = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E", "[", "%5B", "]", "%5D", "\n", "", "\\", "%5C")

func citeLine(n int, title, url, source, published string) string {
	t := Escape(truncate(title, 120))
	if url != "" {
		t = "[" + t + "](" + linkTarget.Replace(url) + ")"
	}
	var meta []string
	if source != "" {
		meta = append(meta, Escape(truncate(source, 120)))
	}
	if published != "" {
		meta = append(meta, published)
	}
	line := fmt.Sprintf("**[%d]** %s", n, t)
	if len(meta) > 0 {
		line += " — " + strings.Join(meta, ", ")
	}
	return line
}

// AnswerMessage renders an answer: an embed with the quoted answer (matched
// terms in bold), quoted snippets of the other sources, numbered citations
// with links, and a footer with the confidence; then buttons for more
// sources and feedback. An abstention says so and lists the nearest sources.
func AnswerMessage(a answers.Answer) Message {
	q := strings.TrimSpace(a.Question)
	e := &discordgo.MessageEmbed{Author: author(questionPrefix, q)}
	hash := questionHash(q)
	if !a.Answered {
		e.Title = "Not in my sources"
		e.Color = colorAbstain
		var b strings.Builder
		b.WriteString("My sources do not answer this, and I only quote what they say.")
		if len(a.Suggestions) > 0 {
			b.WriteString(" The nearest sources I have:\n")
			for i, s := range a.Suggestions {
				b.WriteString(citeLine(i+1, s.Title, s.URL, "", "") + "\n")
				if s.Snippet != "" {
					b.WriteString("> " + escapeFrom(truncate(strings.Join(strings.Fields(s.Snippet), " "), 240), false) + "\n")
				}
			}
		} else {
			b.WriteString(" Try /sources to see what I know about.")
		}
		e.Description = truncate(b.String(), maxEmbedDesc)
		e.Footer = &discordgo.MessageEmbedFooter{Text: "futurebot answers only from its sources."}
		return Message{Embeds: []*discordgo.MessageEmbed{e}, Components: answerButtons(hash, false)}
	}
	e.Color = colorAnswer
	var b strings.Builder
	if a.Confidence == answers.Low {
		e.Color = colorLow
		b.WriteString("*Low confidence: the sources only partly match your question.*\n")
	}
	if a.SourceMonth != "" {
		b.WriteString("*From a source of " + a.SourceMonth + "; it may have changed since.*\n")
	}
	b.WriteString("> " + strings.ReplaceAll(truncate(emphasize(a.Text, a.Highlights), 1500), "\n", "\n> ") + " **[1]**\n")
	for _, c := range a.Citations[1:] {
		b.WriteString(fmt.Sprintf("> %s **[%d]**\n", strings.ReplaceAll(truncate(emphasize(c.Snippet, c.Highlights), 600), "\n", "\n> "), c.N))
	}
	b.WriteString("\n**Sources**\n")
	for _, c := range a.Citations {
		b.WriteString(citeLine(c.N, c.Title, c.URL, c.Source, dated(c.Published)) + "\n")
	}
	e.Description = truncate(b.String(), maxEmbedDesc)
	e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Confidence: %s · quoted from the sources, never invented", a.Confidence)}
	fitEmbed(e)
	return Message{Embeds: []*discordgo.MessageEmbed{e}, Components: answerButtons(hash, true)}
}

func answerButtons(hash string, feedback bool) []discordgo.MessageComponent {
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "More sources", Style: discordgo.SecondaryButton, CustomID: idMore + ":" + hash},
		discordgo.Button{Label: "Why this answer?", Style: discordgo.SecondaryButton, CustomID: idWhy + ":" + hash},
	}}
	if feedback {
		row.Components = append(row.Components,
			discordgo.Button{Label: "👍", Style: discordgo.SecondaryButton, CustomID: idFeedback + ":up:" + hash},
			discordgo.Button{Label: "👎", Style: discordgo.SecondaryButton, CustomID: idFeedback + ":down:" + hash},
		)
	}
	return []discordgo.MessageComponent{row}
}

// fitEmbed trims an embed until all its text is within Discord's total.
func fitEmbed(e *discordgo.MessageEmbed) {
	for embedLen(e) > maxEmbedTotal && len(e.Fields) > 0 {
		e.Fields = e.Fields[:len(e.Fields)-1]
	}
	if over := embedLen(e) - maxEmbedTotal; over > 0 {
		e.Description = truncate(e.Description, max(utf8.RuneCountInString(e.Description)-over-1, 1))
	}
}

func embedLen(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

// questionOf reads back the question an answer message was about.
func questionOf(m *discordgo.Message) string {
	q, _ := authorText(m, questionPrefix)
	return strings.TrimSpace(q)
}

// WhyMessage explains an answer, privately: the question as understood,
// the expected answer, each word's weight, the other words searched, the
// quote with its matched words, the passages weighed and why the first
// won, the confidence, and the index that answered.
func WhyMessage(a answers.Answer, info service.IndexInfo) Message {
	x := a.Explain
	e := &discordgo.MessageEmbed{Title: "Why this answer?", Color: colorAnswer, Author: author(questionPrefix, strings.TrimSpace(a.Question))}
	if x == nil {
		e.Description = "I can't explain this answer any more; please ask again."
		return Message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**Understood as:** %s\n", Escape(truncate(x.Understood, 300)))
	if len(x.Entities) > 0 {
		fmt.Fprintf(&b, "**Entities:** %s\n", Escape(truncate(strings.Join(x.Entities, ", "), 300)))
	}
	fmt.Fprintf(&b, "**Expects:** %s\n", Escape(strings.Join(x.Types, " and ")))
	fmt.Fprintf(&b, "**Words and their weight:** %s\n", Escape(truncate(x.TermList(), 500)))
	if len(x.Alternatives) > 0 {
		fmt.Fprintf(&b, "**Also searched:** %s\n", Escape(truncate(strings.Join(x.Alternatives, "; "), 500)))
	}
	if a.Answered {
		b.WriteString("**The quote:** " + truncate(emphasize(a.Text, a.Highlights), 600) + "\n")
	}
	b.WriteString("\n**Passages weighed** (score · coverage):\n")
	for _, c := range x.Considered {
		mark := "·"
		switch {
		case c.Chosen:
			mark = "✅"
		case !c.Holds:
			mark = "✖"
		}
		fmt.Fprintf(&b, "%s %.2f · %.2f — %s: %s\n", mark, c.Score, c.Coverage, Escape(truncate(c.Title, 80)), Escape(truncate(c.Text, 160)))
	}
	b.WriteString("✅ the answer · ✖ does not hold what is asked\n")
	fmt.Fprintf(&b, "\n**Why:** %s", Escape(truncate(x.Why, 400)))
	e.Description = truncate(b.String(), maxEmbedDesc)
	e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Confidence: %s · index %s, built %s", a.Confidence,
		Escape(truncate(info.Version, 64)), info.Built.UTC().Format("2006-01-02 15:04 MST"))}
	fitEmbed(e)
	return Message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}

// CardMessage renders an entity card: names, description, related entities
// and cited facts.
func CardMessage(c answers.Card) Message {
	e := &discordgo.MessageEmbed{Title: truncate(Escape(c.Entity.Name), maxEmbedTitle), Color: colorCard}
	var b strings.Builder
	if c.Entity.Description != "" {
		b.WriteString(Escape(c.Entity.Description) + "\n\n")
	}
	for _, f := range c.Facts {
		b.WriteString("> " + truncate(emphasize(f.Snippet, f.Highlights), 600) + fmt.Sprintf(" **[%d]**\n", f.N))
	}
	if len(c.Facts) > 0 {
		b.WriteString("\n**Sources**\n")
		for _, f := range c.Facts {
			b.WriteString(citeLine(f.N, f.Title, f.URL, f.Source, dated(f.Published)) + "\n")
		}
	} else {
		b.WriteString("*No passage in my sources names it yet.*")
	}
	e.Description = truncate(b.String(), maxEmbedDesc)
	if len(c.Entity.Aliases) > 0 {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Also known as",
			Value: truncate(Escape(strings.Join(c.Entity.Aliases, ", ")), maxFieldValue)})
	}
	if len(c.Related) > 0 {
		var names []string
		for _, r := range c.Related {
			names = append(names, fmt.Sprintf("%s (%s)", r.Name, r.Kind))
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Related",
			Value: truncate(Escape(strings.Join(names, ", ")), maxFieldValue)})
	}
	e.Footer = &discordgo.MessageEmbedFooter{Text: string(c.Entity.Kind) + " · quoted from the sources"}
	fitEmbed(e)
	return Message{Embeds: []*discordgo.MessageEmbed{e}}
}

// TextMessage is a plain message; Ephemeral ones only the user sees.
func TextMessage(text string, ephemeral bool) Message {
	return Message{Content: truncate(text, maxContent), Ephemeral: ephemeral}
}
