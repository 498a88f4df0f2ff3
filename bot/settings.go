package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"futurebot/internal/atomicfile"
)

// ChannelSettings are how the bot behaves in one channel, set by /settings.
// A nil field keeps the default.
type ChannelSettings struct {
	// AnswerWithoutMention answers messages that read as questions without
	// a mention (the channel's default comes from ASK_CHANNEL_IDS).
	AnswerWithoutMention *bool `json:"answer_without_mention,omitempty"`
	// PrivateByDefault answers /ask privately unless private:False is given.
	PrivateByDefault *bool `json:"private_by_default,omitempty"`
	// Threads opens a thread on every answer in the channel, where
	// follow-up questions are read with it.
	Threads *bool `json:"threads,omitempty"`
}

// settingsFile is where the channels' settings are kept in DATA_DIR.
const settingsFile = "channels.json"

// channelStore holds the channels' settings, saved to DATA_DIR at every
// change so that they survive a restart.
type channelStore struct {
	mu       sync.Mutex
	path     string // "" keeps them in memory only
	channels map[string]ChannelSettings
}

// loadChannels reads the settings saved in dataDir; an unreadable file is
// reported and the bot starts from the defaults.
func loadChannels(dataDir string) (*channelStore, error) {
	s := &channelStore{channels: map[string]ChannelSettings{}}
	if dataDir == "" {
		return s, nil
	}
	s.path = filepath.Join(dataDir, settingsFile)
	data, err := os.ReadFile(s.path)
	if os.IsNotExist(err) {
		return s, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &s.channels)
	}
	if err != nil {
		s.channels = map[string]ChannelSettings{}
		return s, fmt.Errorf("channel settings %s: %w (starting from the defaults)", s.path, err)
	}
	return s, nil
}

func (s *channelStore) get(channel string) ChannelSettings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.channels[channel]
}

// set changes a channel's settings and saves them all, through a
// temporary file renamed into place.
func (s *channelStore) set(channel string, change func(*ChannelSettings)) (ChannelSettings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[channel]
	change(&c)
	s.channels[channel] = c
	if s.path == "" {
		return c, nil
	}
	data, err := json.MarshalIndent(s.channels, "", "  ")
	if err != nil {
		return c, err
	}
	return c, atomicfile.Write(s.path, data)
}

// answersWithoutMention reports whether messages in channel that read as
// questions are answered without a mention.
func (b *Bot) answersWithoutMention(channel string) bool {
	if v := b.channels.get(channel).AnswerWithoutMention; v != nil {
		return *v
	}
	return slices.Contains(b.cfg.AskChannels, channel)
}

// privateByDefault reports whether /ask answers privately in channel when
// the member does not say.
func (b *Bot) privateByDefault(channel string) bool {
	v := b.channels.get(channel).PrivateByDefault
	return v != nil && *v
}

// settings shows, or changes and shows, the channel's settings (admins).
func (b *Bot) settings(_ context.Context, req *Request) (*Response, error) {
	if req.ChannelID == "" {
		m := TextMessage("Settings belong to a channel: use /settings in one.", true)
		return &Response{Message: &m}, nil
	}
	_, err := b.channels.set(req.ChannelID, func(c *ChannelSettings) {
		for _, opt := range []struct {
			name  string
			field **bool
		}{{optWithoutMention, &c.AnswerWithoutMention}, {optPrivateByDefault, &c.PrivateByDefault}, {optThreads, &c.Threads}} {
			if v, ok := req.Options[opt.name].(bool); ok {
				*opt.field = &v
			}
		}
	})
	if err != nil {
		b.log.Error("saving channel settings failed", "err", err)
		m := TextMessage("The settings apply now, but could not be saved for after a restart; the details are in the bot's log.", true)
		return &Response{Message: &m}, nil
	}
	yes := func(v bool) string {
		if v {
			return "on"
		}
		return "off"
	}
	lines := []string{
		fmt.Sprintf("**Settings of this channel** (<#%s>)", req.ChannelID),
		fmt.Sprintf("• answer questions without a mention: **%s**", yes(b.answersWithoutMention(req.ChannelID))),
		fmt.Sprintf("• answer /ask privately by default: **%s**", yes(b.privateByDefault(req.ChannelID))),
		fmt.Sprintf("• answer in threads, where follow-ups are read with the question: **%s**", yes(b.threadsOn(req.ChannelID))),
		"Change one with `/settings answer_without_mention:True` (or `private_by_default`, `threads`); they apply at once and are kept across restarts.",
	}
	if _, given := req.Options[optThreads]; given && b.cfg.HTTPOnly {
		lines = append(lines, "Threads need the gateway: without `DISCORD_TOKEN` I cannot read them, so this setting waits until the bot runs with it.")
	}
	m := TextMessage(strings.Join(lines, "\n"), true)
	return &Response{Message: &m}, nil
}

// Options of /settings.
const (
	optWithoutMention   = "answer_without_mention"
	optPrivateByDefault = "private_by_default"
	optThreads          = "threads"
)

// settingsCommand is /settings, for admins.
func settingsCommand(adminOnly *int64, guildOnly *[]discordgo.InteractionContextType) *discordgo.ApplicationCommand {
	return &discordgo.ApplicationCommand{Name: cmdSettings, Description: "Show or change how I answer in this channel (admins)",
		DefaultMemberPermissions: adminOnly, Contexts: guildOnly,
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: optWithoutMention, Description: "Answer questions here without a mention"},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: optPrivateByDefault, Description: "Answer /ask privately unless private:False"},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: optThreads, Description: "Open a thread on every answer, for follow-up questions"},
		}}
}
