package bot

import (
	"context"
	"errors"
	"fmt"
	"futurebot/corpus"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// workContext is the context of one reply: not tied to shutdown, so replies
// in flight finish, but bounded.
func workContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 2*time.Minute)
}

func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil {
		return
	}
	i := ic.Interaction
	// Events arrive in order on the gateway's goroutine; the reply is made
	// on its own, counted as work in flight.
	if !b.accept(i) {
		return
	}
	go func() {
		defer b.work.done()
		b.serveInteraction(i, func(r *discordgo.InteractionResponse) error {
			return retry(func() error { return s.InteractionRespond(i, r) })
		})
	}()
}

// accept takes an interaction as work in flight, once: replayed
// interactions and those arriving during shutdown are not.
func (b *Bot) accept(i *discordgo.Interaction) bool {
	return b.seen.add("i:"+i.ID) && b.begin()
}

// handleInteraction answers one interaction from the HTTP endpoint (see
// serveInteraction).
func (b *Bot) handleInteraction(i *discordgo.Interaction, respond func(*discordgo.InteractionResponse) error) {
	if !b.accept(i) {
		return
	}
	defer b.work.done()
	b.serveInteraction(i, respond)
}

// serveInteraction answers one accepted interaction, from the gateway or
// the HTTP endpoint: respond sends the first response (the reply, or a
// deferral), and later edits of it go through the REST API with the
// interaction's own token.
func (b *Bot) serveInteraction(i *discordgo.Interaction, respond func(*discordgo.InteractionResponse) error) {
	s := b.session
	req, ok := parseInteraction(i)
	if !ok {
		if b.seen.add(fmt.Sprintf("unknown-type:%d", i.Type)) {
			b.log.Info("ignoring interactions of an unknown type or shape (logged once per type)", "type", int(i.Type), "id", i.ID)
		}
		return
	}
	private, given := req.Options["private"].(bool)
	if !given && req.Kind == KindCommand && req.Name == cmdAsk {
		private = b.privateByDefault(req.ChannelID)
	}
	req.Ephemeral = private || (req.Kind == KindComponent && req.Name != idPage) ||
		req.Name == cmdReindex || req.Name == cmdIngest || req.Name == cmdForget || req.Name == cmdFeeds || req.Name == cmdGaps || req.Name == cmdSettings
	ctx, cancel := workContext()
	defer cancel()
	if req.Kind == KindAutocomplete {
		resp, err := b.router.Serve(ctx, req)
		var choices []*discordgo.ApplicationCommandOptionChoice
		if err == nil && resp != nil {
			choices = resp.Choices
		}
		if choices == nil {
			choices = []*discordgo.ApplicationCommandOptionChoice{}
		}
		if err := respond(&discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: choices}}); err != nil {
			b.log.Warn("autocomplete reply failed", "id", i.ID, "err", err)
		}
		return
	}
	// A slow handler is deferred by the Deferral middleware: the user sees
	// "futurebot is thinking…", and the reply comes as an edit.
	deferred := false
	req.Defer = func() {
		deferred = true
		typ := discordgo.InteractionResponseDeferredChannelMessageWithSource
		var flags discordgo.MessageFlags
		if req.Kind == KindComponent && req.Name == idPage {
			typ = discordgo.InteractionResponseDeferredMessageUpdate
		} else if req.Ephemeral {
			flags = discordgo.MessageFlagsEphemeral
		}
		if err := respond(&discordgo.InteractionResponse{Type: typ, Data: &discordgo.InteractionResponseData{Flags: flags}}); err != nil {
			b.log.Warn("deferring the reply failed", "id", i.ID, "err", err)
		}
	}
	var r struct {
		resp *Response
		err  error
	}
	r.resp, r.err = b.router.Serve(ctx, req)
	msg := b.messageFor(req, r.resp, r.err)
	if msg == nil {
		if !deferred {
			// Every interaction needs a response; an empty one acknowledges it.
			if err := respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}); err != nil {
				b.log.Warn("acknowledging the interaction failed", "id", i.ID, "name", req.Name, "err", err)
			}
		}
		return
	}
	// Replies to an interaction are safe to retry: Discord takes one
	// response per interaction, and an edit of the original is idempotent.
	var err error
	var sent *discordgo.Message
	switch {
	case deferred:
		err = retry(func() error { sent, err = s.InteractionResponseEdit(i, msg.webhookEdit()); return err })
	case r.resp != nil && r.resp.Update:
		err = respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: msg.interactionData()})
	default:
		err = respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: msg.interactionData()})
	}
	if err != nil {
		b.log.Warn("reply failed", "id", i.ID, "name", req.Name, "err", err)
	} else if b.autoThread(req, msg) {
		b.threadOnReply(i, req, msg, sent)
	}
	if r.resp != nil && r.resp.Progress != nil {
		for m := range r.resp.Progress {
			if err := retry(func() error { _, err := s.InteractionResponseEdit(i, m.webhookEdit()); return err }); err != nil {
				b.log.Warn("progress edit failed", "id", i.ID, "err", err)
			}
		}
	}
}

// messageFor turns a handler's result into the message to send; errors
// become a short apology, the detail stays in the log.
func (b *Bot) messageFor(req *Request, resp *Response, err error) *Message {
	switch {
	case errors.Is(err, errPanic):
		m := TextMessage("Sorry — something broke on my side while answering. It has been logged; please try again.", true)
		return &m
	case errors.Is(err, errUnknown):
		m := TextMessage("I don't know that command or button any more. Try /help.", true)
		return &m
	case err != nil:
		m := TextMessage("Sorry — I couldn't answer that just now. Please try again in a moment.", true)
		return &m
	case resp == nil || resp.Message == nil:
		return nil
	}
	return resp.Message
}

// retry runs f again after Discord answers 500, 503 or 504 (discordgo
// itself retries 429 and 502), up to three attempts in all.
func retry(f func() error) error {
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 250 * time.Millisecond)
		}
		if err = f(); !serverError(err) {
			return err
		}
	}
	return err
}

func serverError(err error) bool {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return false
	}
	switch re.Response.StatusCode {
	case 500, 503, 504:
		return true
	}
	return false
}

var mentionRe = regexp.MustCompile(`<@!?(\d+)>`)

// onMessage answers a channel message that mentions the bot, or one in an
// ask-channel that reads as a question, with a reply that references it.
func (b *Bot) onMessage(s *discordgo.Session, mc *discordgo.MessageCreate) {
	if mc == nil || mc.Message == nil || mc.Author == nil {
		return
	}
	m := mc.Message
	self := b.selfID.Load().(string)
	if m.Author.Bot || m.WebhookID != "" || m.Author.ID == self || self == "" {
		return
	}
	mentioned := slices.ContainsFunc(m.Mentions, func(u *discordgo.User) bool { return u != nil && u.ID == self }) ||
		strings.Contains(m.Content, "<@"+self+">") || strings.Contains(m.Content, "<@!"+self+">")
	question := strings.TrimSpace(mentionRe.ReplaceAllStringFunc(m.Content, func(tok string) string {
		if strings.Contains(tok, self) {
			return ""
		}
		return tok
	}))
	// A direct message is a conversation with the bot: it counts as an
	// ask-channel.
	askChannel := b.answersWithoutMention(m.ChannelID) || m.GuildID == ""
	if !mentioned && !(askChannel && readsAsQuestion(question)) {
		return
	}
	if !b.seen.add("m:"+m.ID) || !b.begin() {
		return
	}
	go func() {
		defer b.work.done()
		b.answerMessage(s, m, question)
	}()
}

// answerMessage replies to an accepted channel message.
func (b *Bot) answerMessage(s *discordgo.Session, m *discordgo.Message, question string) {
	if err := s.ChannelTyping(m.ChannelID); err != nil {
		b.log.Debug("typing indicator failed", "err", err)
	}
	req := &Request{Kind: KindMessage, Name: "message", ID: m.ID, UserID: m.Author.ID, GuildID: m.GuildID,
		ChannelID: m.ChannelID, Message: m, Text: question, Options: map[string]any{}}
	ctx, cancel := workContext()
	defer cancel()
	resp, err := b.router.Serve(ctx, req)
	msg := b.messageFor(req, resp, err)
	if msg == nil {
		return
	}
	ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}
	if msg.Ephemeral {
		// A channel reply cannot be private; keep it short and neutral.
		msg.Ephemeral = false
	}
	if b.autoThread(req, msg) {
		// Answered in a thread opened on the question.
		id, err := b.openThread(m.ChannelID, m.ID, questionOf(&discordgo.Message{Embeds: msg.Embeds}), false)
		if err == nil {
			if _, err = s.ChannelMessageSendComplex(id, msg.messageSend(nil)); err == nil {
				return
			}
		}
		b.threadFailed(m.ChannelID, err)
	}
	// Not retried: a message Discord half-accepted could appear twice.
	if _, err := s.ChannelMessageSendComplex(m.ChannelID, msg.messageSend(ref)); err != nil {
		var rest *discordgo.RESTError
		if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusForbidden && b.seen.add("forbidden:"+m.ChannelID) {
			b.log.Error("the bot may not reply in a channel where it was asked: give its role View Channel, Send Messages, "+
				"Embed Links and Read Message History there (channel settings > Permissions); logged once per channel", "channel", m.ChannelID)
		}
		b.log.Warn("reply to message failed", "message", m.ID, "err", err)
	}
}

var questionStart = regexp.MustCompile(`(?i)^(who|whom|whose|what|which|when|where|why|how|is|are|was|were|do|does|did|can|could|should|will|would|has|have|tell me|explain|list|name)\b`)

// readsAsQuestion reports whether a message in an ask-channel is a question
// rather than chat.
func readsAsQuestion(s string) bool {
	s = strings.TrimSpace(s)
	if corpus.CountWords(s) < 2 {
		return false
	}
	return strings.HasSuffix(s, "?") || strings.HasSuffix(s, "？") || questionStart.MatchString(s)
}
