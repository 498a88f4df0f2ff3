package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"futurebot/answers"
	"futurebot/internal/atomicfile"
)

// Threads the bot opened carry a conversation: the questions asked there,
// as understood, so that a follow-up ("and Unitree?") is read with them.
const (
	// threadIdle is how long a conversation is remembered without a
	// question; after it, the next question starts afresh.
	threadIdle = 24 * time.Hour
	// threadKeep is how long the bot remembers a thread it opened after
	// its last question.
	threadKeep = 30 * 24 * time.Hour
	// maxThreads bounds the threads remembered; the oldest go first.
	maxThreads = 10000
	// historyRead is how many of a thread's latest messages are read to
	// rebuild its conversation after a restart: one request, however long
	// the thread.
	historyRead = 50
	threadsFile = "threads.json"
)

// maxThreadsFile bounds the threads file read at start.
const maxThreadsFile = 4 << 20

// conversation is what the bot knows of one of its threads. Only when it
// was last active is saved; the questions live in memory and are rebuilt
// from the thread's messages when needed.
type conversation struct {
	Active time.Time `json:"active"`
	turns  []string
	last   time.Time     // the latest question, in memory
	loaded bool          // turns are known: opened in this run, or rebuilt
	ready  chan struct{} // closed when a rebuild in progress ends
}

// threadStore holds the bot's threads and their conversations.
type threadStore struct {
	mu      sync.Mutex
	path    string // "" keeps them in memory only
	now     func() time.Time
	threads map[string]*conversation
	saved   time.Time // when the list was last written
	swept   time.Time // when idle conversations were last forgotten
	// waiting, when set, is called as a question starts to wait for
	// another's rebuild (tests).
	waiting func()
}

// loadThreads reads the threads the bot opened from dataDir; an unreadable
// file is reported and the bot starts without them.
func loadThreads(dataDir string, now func() time.Time) (*threadStore, error) {
	s := &threadStore{now: now, threads: map[string]*conversation{}}
	if dataDir == "" {
		return s, nil
	}
	s.path = filepath.Join(dataDir, threadsFile)
	f, err := os.Open(s.path)
	if os.IsNotExist(err) {
		return s, nil
	}
	var data []byte
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(f, maxThreadsFile+1))
		f.Close()
	}
	if err == nil && len(data) > maxThreadsFile {
		err = fmt.Errorf("larger than %d bytes", maxThreadsFile)
	}
	if err == nil {
		err = json.Unmarshal(data, &s.threads)
	}
	if err != nil || s.threads == nil {
		s.threads = map[string]*conversation{}
	}
	for id, c := range s.threads {
		if c == nil || now().Sub(c.Active) > threadKeep {
			delete(s.threads, id)
		}
	}
	if err != nil {
		return s, fmt.Errorf("threads %s: %w (follow-ups in earlier threads are read without their conversation)", s.path, err)
	}
	return s, nil
}

// known reports whether the bot opened thread id and it was active lately.
func (s *threadStore) known(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.threads[id]
	return ok && s.now().Sub(c.Active) <= threadKeep
}

// open records a thread the bot opened on the answer to question (or
// adopted: one opened on it before), and saves the list.
func (s *threadStore) open(id, question string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.threads[id] = &conversation{Active: now, turns: []string{question}, last: now, loaded: true}
	return s.save(now)
}

// earlier returns the questions asked in thread id before now, oldest
// first. A conversation not known in this run is rebuilt by rebuild (the
// thread's latest messages: the questions since a day back, and when the
// last was asked) — once, however many questions arrive meanwhile, and
// again later if it failed. One idle for a day starts afresh.
func (s *threadStore) earlier(id string, rebuild func(since time.Time) ([]string, time.Time, error)) []string {
	s.mu.Lock()
	c, ok := s.threads[id]
	if !ok {
		s.mu.Unlock()
		return nil
	}
	if !c.loaded && c.ready != nil {
		// Another question rebuilds it: wait for that; if it failed, this
		// question is read alone.
		ready := c.ready
		s.mu.Unlock()
		if s.waiting != nil {
			s.waiting()
		}
		<-ready
		s.mu.Lock()
	} else if !c.loaded {
		c.ready = make(chan struct{})
		since := s.now().Add(-threadIdle)
		s.mu.Unlock()
		turns, last, err := rebuild(since)
		s.mu.Lock()
		if err == nil {
			c.turns, c.last, c.loaded = lastTurns(turns), last, true
		}
		close(c.ready)
		c.ready = nil
	}
	defer s.mu.Unlock()
	if s.now().Sub(c.last) > threadIdle {
		c.turns = nil
	}
	return append([]string(nil), c.turns...)
}

// add records a question asked in thread id, as understood. The list of
// threads is saved at most hourly for it, and idle conversations are
// forgotten as often.
func (s *threadStore) add(id, question string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.threads[id]
	if !ok {
		return nil
	}
	now := s.now()
	c.turns, c.last, c.loaded, c.Active = lastTurns(append(c.turns, question)), now, true, now
	if now.Sub(s.swept) > time.Hour {
		s.swept = now
		for _, c := range s.threads {
			if now.Sub(c.last) > threadIdle {
				c.turns = nil
			}
		}
	}
	if now.Sub(s.saved) > time.Hour {
		return s.save(now)
	}
	return nil
}

// lastTurns keeps the latest turns a follow-up is read with.
func lastTurns(turns []string) []string {
	if len(turns) > answers.MaxTurns {
		turns = append([]string(nil), turns[len(turns)-answers.MaxTurns:]...)
	}
	return turns
}

// save drops threads inactive too long, or beyond maxThreads, and writes
// the rest; s.mu is held.
func (s *threadStore) save(now time.Time) error {
	ids := make([]string, 0, len(s.threads))
	for id, c := range s.threads {
		if now.Sub(c.Active) > threadKeep {
			delete(s.threads, id)
			continue
		}
		ids = append(ids, id)
	}
	if len(ids) > maxThreads {
		sort.Slice(ids, func(i, j int) bool { return s.threads[ids[i]].Active.Before(s.threads[ids[j]].Active) })
		for _, id := range ids[:len(ids)-maxThreads] {
			delete(s.threads, id)
		}
	}
	s.saved = now
	if s.path == "" {
		return nil
	}
	data, err := json.Marshal(s.threads)
	if err != nil {
		return err
	}
	return atomicfile.Write(s.path, data)
}

// threadsOn reports whether answers in channel open threads (/settings
// threads).
func (b *Bot) threadsOn(channel string) bool {
	v := b.channels.get(channel).Threads
	return v != nil && *v
}

// offersThread reports whether an answer to req gets a "Continue in
// thread" button: a public answer in a server channel that is not one of
// the bot's threads and does not open threads by itself. Without the
// gateway the bot cannot read a thread, so it offers none.
func (b *Bot) offersThread(req *Request, private bool) bool {
	return !private && req.GuildID != "" && !b.cfg.HTTPOnly && req.ChannelID != "" &&
		!b.threads.known(req.ChannelID) && !b.threadsOn(req.ChannelID)
}

// addButton adds a button to the first row of m that has room, or a new row.
func addButton(m *Message, button discordgo.Button) {
	for i, c := range m.Components {
		if row, ok := c.(discordgo.ActionsRow); ok && len(row.Components) < maxButtonsPerRow {
			row.Components = append(row.Components, button)
			m.Components[i] = row
			return
		}
	}
	if len(m.Components) < maxRows {
		m.Components = append(m.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{button}})
	}
}

// Permissions a thread of the bot's needs in the channel.
const threadPermissions = discordgo.PermissionCreatePublicThreads | discordgo.PermissionSendMessagesInThreads

// continueInThread opens a thread on the answer the button sits on, where
// follow-up questions are read with this one. A thread already opened on
// the answer, or the thread the answer is in, is taken as it is.
func (b *Bot) continueInThread(_ context.Context, req *Request) (*Response, error) {
	q := questionOf(req.Message)
	if q == "" || req.Message.ID == "" {
		m := TextMessage("I can't tell which question this was about any more; please ask again.", true)
		return &Response{Message: &m}, nil
	}
	if p := req.AppPermissions; p != 0 && p&threadPermissions != threadPermissions {
		m := TextMessage(missingThreadPermissions(p), true)
		return &Response{Message: &m}, nil
	}
	text := ""
	id, err := b.openThread(req.ChannelID, req.Message.ID, q, true)
	var rest *discordgo.RESTError
	switch {
	case err == nil:
		text = fmt.Sprintf("Ask your follow-up in <#%s>: mention me there, and I read it with this question.", id)
	case id != "":
		text = fmt.Sprintf("I opened <#%s> but may not post in it: my role needs the **Send Messages in Threads** permission "+
			"in this channel (channel settings › Permissions).", id)
	case errors.As(err, &rest) && rest.Message != nil && rest.Message.Code == discordgo.ErrCodeThreadAlreadyCreatedForThisMessage:
		// A thread opened on the answer before (by a member, or before a
		// restart): follow-ups there are read with this question.
		b.adopt(req.Message.ID, q)
		text = fmt.Sprintf("This answer already has a thread: <#%s>. Mention me there, and I read your follow-up with this question.", req.Message.ID)
	case errors.As(err, &rest) && rest.Message != nil && rest.Message.Code == discordgo.ErrCodeCannotExecuteActionOnThisChannelType:
		// The answer is in a thread already: this one carries the conversation.
		b.adopt(req.ChannelID, q)
		text = "We are in a thread already: mention me here with your follow-up, and I read it with this question."
	default:
		text = threadProblem(err)
	}
	m := TextMessage(text, true)
	return &Response{Message: &m}, nil
}

// adopt makes a thread the bot did not open carry a conversation that
// starts with question.
func (b *Bot) adopt(thread, question string) {
	if b.threads.known(thread) {
		return
	}
	if err := b.threads.open(thread, question); err != nil {
		b.log.Warn("saving the bot's threads failed", "err", err)
	}
}

// missingThreadPermissions names the thread permissions the bot lacks.
func missingThreadPermissions(have int64) string {
	var missing []string
	if have&discordgo.PermissionCreatePublicThreads == 0 {
		missing = append(missing, "**Create Public Threads**")
	}
	if have&discordgo.PermissionSendMessagesInThreads == 0 {
		missing = append(missing, "**Send Messages in Threads**")
	}
	return "I can't open a thread in this channel: my role needs " + strings.Join(missing, " and ") +
		" here (channel settings › Permissions)."
}

// openThread opens a thread on message, whose answer is to question, and
// remembers it; intro posts a first message in the thread that names the
// question (the thread's starter stays in the channel, and a restart
// rebuilds the conversation from the thread's own messages).
func (b *Bot) openThread(channel, message, question string, intro bool) (string, error) {
	th, err := b.session.MessageThreadStartComplex(channel, message, &discordgo.ThreadStart{
		Name: threadName(question), AutoArchiveDuration: 1440, Type: discordgo.ChannelTypeGuildPublicThread})
	if err != nil {
		return "", err
	}
	if err := b.threads.open(th.ID, question); err != nil {
		b.log.Warn("saving the bot's threads failed", "err", err)
	}
	if intro {
		e := &discordgo.MessageEmbed{Author: author(questionPrefix, question), Color: colorAnswer,
			Description: "Follow-up questions here are read with this one: mention me with yours — for example " +
				"*when was it founded?* or *and DeepSeek?*"}
		if _, err := b.session.ChannelMessageSendComplex(th.ID, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{e},
			AllowedMentions: noMentions()}); err != nil {
			return th.ID, err
		}
	}
	return th.ID, nil
}

// threadName is a thread's name made from its question: one line, at most
// Discord's 100 characters.
func threadName(question string) string {
	name := strings.Join(strings.Fields(question), " ")
	if name == "" {
		name = "Follow-up questions"
	}
	return truncate(name, 100)
}

// threadProblem explains to the member why no thread was opened.
func threadProblem(err error) string {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusForbidden {
		return missingThreadPermissions(0)
	}
	return "I couldn't open a thread just now; please try again in a moment."
}

// readConversation rebuilds a thread's conversation from its latest
// messages (one request): the questions the bot answered there since
// since, as understood, oldest first, and when the last was answered.
// before is the message being answered.
func (b *Bot) readConversation(thread string, isMessage bool, before string, since time.Time) ([]string, time.Time, error) {
	if !isMessage {
		before = ""
	}
	msgs, err := b.session.ChannelMessages(thread, historyRead, before, "", "")
	if err != nil {
		b.log.Warn("reading a thread's conversation failed; the question is read alone", "thread", thread, "err", err)
		return nil, time.Time{}, err
	}
	self := b.selfID.Load().(string)
	var turns []string
	var last time.Time
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m == nil || m.Author == nil || m.Author.ID != self || m.Timestamp.Before(since) {
			continue
		}
		if q := questionOf(m); q != "" {
			turns, last = append(turns, q), m.Timestamp
		}
	}
	return turns, last, nil
}

// autoThread reports whether the public answer msg to req opens a thread
// by itself: the channel's threads setting is on, and the answer is to a
// question (/ask, Ask futurebot, a message) outside the bot's threads.
func (b *Bot) autoThread(req *Request, msg *Message) bool {
	asked := req.Kind == KindMessage || req.Kind == KindCommand && (req.Name == cmdAsk || req.Name == cmdAskMsg)
	return asked && !msg.Ephemeral && questionOf(&discordgo.Message{Embeds: msg.Embeds}) != "" && req.GuildID != "" &&
		!b.cfg.HTTPOnly && b.threadsOn(req.ChannelID) && !b.threads.known(req.ChannelID)
}

// threadOnReply opens a thread on msg, the reply to interaction i; sent is
// the reply as Discord returned it (an edit), else it is fetched.
func (b *Bot) threadOnReply(i *discordgo.Interaction, req *Request, msg *Message, sent *discordgo.Message) {
	if sent == nil {
		var err error
		if sent, err = b.session.InteractionResponse(i); err != nil {
			b.log.Warn("finding the answer to open a thread on failed", "id", i.ID, "err", err)
			return
		}
	}
	if _, err := b.openThread(req.ChannelID, sent.ID, questionOf(&discordgo.Message{Embeds: msg.Embeds}), true); err != nil {
		b.threadFailed(req.ChannelID, err)
	}
}

// threadFailed logs why a thread could not be opened: a missing permission
// once per channel, with the fix.
func (b *Bot) threadFailed(channel string, err error) {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusForbidden {
		if b.seen.add("thread-forbidden:" + channel) {
			b.log.Error("the bot may not open threads in a channel whose threads setting is on: give its role Create Public "+
				"Threads and Send Messages in Threads there (channel settings > Permissions); answering in the channel meanwhile; "+
				"logged once per channel", "channel", channel)
		}
		return
	}
	b.log.Warn("opening a thread failed; answered in the channel", "channel", channel, "err", err)
}
