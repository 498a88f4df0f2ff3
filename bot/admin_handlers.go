package bot

import (
	"context"
	"errors"
	"fmt"
	"futurebot/corpus"
	"futurebot/gaps"
	"futurebot/service"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// adminRoutes registers the admin commands when an Admin is configured.
func (b *Bot) adminRoutes() {
	r := b.router
	r.Handle(KindCommand, cmdGaps, b.requireAdmin(b.listGaps))
	r.Handle(KindCommand, cmdSettings, b.requireAdmin(b.settings))
	if b.cfg.Admin == nil {
		return
	}
	r.Handle(KindCommand, cmdReindex, b.requireAdmin(b.reindex))
	r.Handle(KindCommand, cmdIngest, b.requireAdmin(b.ingest))
	r.Handle(KindCommand, cmdForget, b.requireAdmin(b.forget))
	r.Handle(KindAutocomplete, cmdForget, b.requireAdmin(b.completeIngested))
	r.Handle(KindCommand, cmdFeeds, b.requireAdmin(b.feeds))
	r.Handle(KindAutocomplete, cmdFeeds, b.requireAdmin(b.completeFeeds))
}

// feeds lists the news feeds with their last poll, last new item and last
// error, or adds or removes one.
func (b *Bot) feeds(_ context.Context, req *Request) (*Response, error) {
	by := "user " + req.UserID
	reply := func(s string) (*Response, error) {
		m := TextMessage(s, true)
		return &Response{Message: &m}, nil
	}
	add, remove := strings.TrimSpace(req.String("add")), strings.TrimSpace(req.String("remove"))
	switch {
	case add != "" && remove != "":
		return reply("Give `add` or `remove`, not both.")
	case add != "":
		var tags []string
		for _, t := range strings.Split(req.String("tags"), ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
		f, err := b.cfg.Admin.AddFeed(add, req.String("name"), tags, by)
		if err != nil {
			return reply("Not added: " + Escape(truncate(err.Error(), 300)) + ".")
		}
		return reply(fmt.Sprintf("Added the feed **%s** (%s); polling it now. `/feeds` shows how it went.", Escape(f.Name), Escape(truncate(f.Shown, 300))))
	case remove != "":
		f, err := b.cfg.Admin.RemoveFeed(remove, by)
		if err != nil {
			return reply("Not removed: " + Escape(truncate(err.Error(), 300)) + ".")
		}
		return reply(fmt.Sprintf("Removed the feed **%s**. The pages it brought stay; `/forget` removes one.", Escape(f.Name)))
	}
	list, probs := b.cfg.Admin.Feeds(), b.cfg.Admin.FeedProblems()
	var lines []string
	for _, p := range probs {
		lines = append(lines, "⚠ "+Escape(truncate(p, 300)))
	}
	if len(probs) > 0 {
		lines = append(lines, "Fix feeds.yaml by hand: until then `/feeds add` and `remove` would lose what it cannot read.")
	}
	if len(list) == 0 && len(probs) == 0 {
		return reply("No feeds yet. Add one with `/feeds add:https://example.com/feed.xml name:Example`.")
	}
	lines = append(lines, fmt.Sprintf("**%d feeds**", len(list)))
	for _, f := range list {
		lines = append(lines, "• "+feedLine(f))
	}
	return reply(truncate(strings.Join(lines, "\n"), maxContent))
}

// feedLine is one feed's polling in a line: when last polled, when it last
// brought something new, and what failed.
func feedLine(f service.FeedInfo) string {
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04 MST")
	}
	s := fmt.Sprintf("**%s** — polled %s, last new %s", Escape(truncate(f.Name, 100)), when(f.LastPoll), when(f.LastNew))
	if f.LastError != "" {
		s += fmt.Sprintf(" · ⚠ failed %d× in a row: %s", f.Failures, Escape(truncate(f.LastError, 200)))
	}
	if f.FailedPages > 0 {
		s += fmt.Sprintf(" · %d pages to retry", f.FailedPages)
		if f.PageError != "" {
			s += " (latest: " + Escape(truncate(f.PageError, 200)) + ")"
		}
	}
	return s
}

// completeFeeds suggests the feeds to remove.
func (b *Bot) completeFeeds(_ context.Context, req *Request) (*Response, error) {
	typed := strings.ToLower(req.String(req.Focused))
	var choices []*discordgo.ApplicationCommandOptionChoice
	for _, f := range b.cfg.Admin.Feeds() {
		if len(choices) == maxChoices || len(f.URL) > maxChoiceLen {
			continue
		}
		if strings.Contains(strings.ToLower(f.Name+" "+f.URL), typed) {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(f.Name+" — "+f.Shown, maxChoiceLen), Value: f.URL})
		}
	}
	return &Response{Choices: choices}, nil
}

// listGaps shows the questions members asked that the sources lack, most
// asked first, grouped when near duplicates, with when they were last
// asked, the nearest sources, and whether the index now answers them.
func (b *Bot) listGaps(ctx context.Context, _ *Request) (*Response, error) {
	if b.cfg.Gaps == nil {
		m := TextMessage("The gaps log is off (GAPS_LOG=off): nothing is recorded.", true)
		return &Response{Message: &m}, nil
	}
	entries, err := b.cfg.Gaps.Entries(time.Now())
	if err != nil {
		return nil, err
	}
	groups := gaps.Groups(entries, 10)
	if len(groups) == 0 {
		m := TextMessage("No gaps recorded: every question asked lately was answered, and no answer got a 👎.", true)
		return &Response{Message: &m}, nil
	}
	var lines []string
	for i, g := range groups {
		line := fmt.Sprintf("**%d.** %s — %d×, last %s", i+1, Escape(truncate(g.Question, 200)), g.Count, g.LastAsked.UTC().Format("2006-01-02"))
		if n := g.Kinds[gaps.ThumbsDown]; n > 0 {
			line += fmt.Sprintf(" (%d 👎)", n)
		}
		if a, err := b.engine.Ask(ctx, g.Question); err == nil {
			switch {
			case a.Answered && len(a.Citations) > 0:
				line += "\n  ✅ answered now, from " + Escape(truncate(a.Citations[0].Title, 100))
			case len(a.Suggestions) > 0:
				var near []string
				for _, s := range a.Suggestions {
					near = append(near, Escape(truncate(s.Title, 80)))
				}
				line += "\n  nearest: " + strings.Join(near, "; ")
			}
		}
		lines = append(lines, line)
	}
	e := &discordgo.MessageEmbed{Title: "What members asked that the sources lack", Color: colorAnswer,
		Description: truncate(strings.Join(lines, "\n"), maxEmbedDesc),
		Footer:      &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("%d questions recorded; near duplicates grouped", len(entries))}}
	return &Response{Message: &Message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}}, nil
}

// isAdmin: Manage Server (or Administrator), or listed in ADMIN_ROLE_IDS
// or ADMIN_USER_IDS.
func (b *Bot) isAdmin(req *Request) bool {
	if req.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	if slices.Contains(b.cfg.AdminUsers, req.UserID) {
		return true
	}
	return slices.ContainsFunc(req.RoleIDs, func(r string) bool { return slices.Contains(b.cfg.AdminRoles, r) })
}

// requireAdmin refuses everyone else with a private note, and logs it.
func (b *Bot) requireAdmin(next Handler) Handler {
	return func(ctx context.Context, req *Request) (*Response, error) {
		if !b.isAdmin(req) {
			b.log.Warn("admin command refused", "command", req.Name, "user", req.UserID, "guild", req.GuildID)
			if req.Kind == KindAutocomplete {
				return &Response{}, nil
			}
			m := TextMessage("Only admins can do that: it needs the Manage Server permission (or an admin role set for futurebot).", true)
			return &Response{Message: &m}, nil
		}
		return next(ctx, req)
	}
}

func (b *Bot) reindex(_ context.Context, req *Request) (*Response, error) {
	job, started := b.cfg.Admin.Reindex("user " + req.UserID)
	note := ""
	if !started {
		note = "A reindex is already running; here is its progress."
	}
	return b.followJob(job, note), nil
}

// followJob replies with a job's progress and keeps editing the reply until
// the job ends with its summary.
func (b *Bot) followJob(job service.ReindexJob, note string) *Response {
	first := ReindexMessage(job.Status(), note)
	ch := make(chan Message, 1)
	go func() {
		defer close(ch)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		last := first.Content
		for {
			select {
			case <-job.Done():
				ch <- ReindexMessage(job.Status(), note)
				return
			case <-tick.C:
				m := ReindexMessage(job.Status(), note)
				if m.Content != last {
					last = m.Content
					select {
					case ch <- m:
					default: // the previous edit is still on its way; skip this one
					}
				}
			case <-b.quit:
				return
			}
		}
	}()
	return &Response{Message: &first, Progress: ch}
}

// ReindexMessage renders a job's progress, or its summary once finished.
func ReindexMessage(s service.ReindexStatus, note string) Message {
	var b strings.Builder
	if note != "" {
		b.WriteString(note + "\n")
	}
	switch {
	case !s.Finished && s.Files == 0:
		fmt.Fprintf(&b, "**Reindexing…** starting (requested by %s)", Escape(s.By))
	case !s.Finished:
		fmt.Fprintf(&b, "**Reindexing…** %d%% · %s · %d/%d files read · %d passages indexed · %s elapsed",
			s.Percent, s.Stage, s.FilesRead, s.Files, s.Passages, s.Elapsed.Round(100*time.Millisecond))
	case s.Err != "":
		fmt.Fprintf(&b, "**Reindex failed — the previous index is still serving.**\nWhy: %s\nTook %s.", Escape(s.Err),
			s.Elapsed.Round(time.Millisecond))
	default:
		how := ""
		if s.InPlace {
			how = " (updated in place)"
		}
		fmt.Fprintf(&b, "**Reindex done**%s in %s · index %s\n%d articles and %d FAQ entries in %d passages.\n",
			how, s.Elapsed.Round(time.Millisecond), s.Version, s.Articles, s.FAQs, s.Passages)
		fmt.Fprintf(&b, "Articles: %d added, %d changed, %d removed · FAQ entries: %d added, %d changed, %d removed.",
			s.Added[0], s.Changed[0], s.Removed[0], s.Added[1], s.Changed[1], s.Removed[1])
	}
	if len(s.Problems) > 0 {
		fmt.Fprintf(&b, "\n**%d problem(s)** (files skipped):", len(s.Problems))
		for i, p := range s.Problems {
			if i == 10 {
				fmt.Fprintf(&b, "\n… and %d more (see the logs or run futurebot check)", len(s.Problems)-10)
				break
			}
			b.WriteString("\n• " + Escape(truncate(p, 160)))
		}
	}
	return TextMessage(b.String(), true)
}

func (b *Bot) ingest(ctx context.Context, req *Request) (*Response, error) {
	att := req.Attachments[req.String("file")]
	refuse := func(why string) (*Response, error) {
		m := TextMessage("Not added: "+why+" Nothing was written.", true)
		return &Response{Message: &m}, nil
	}
	link := strings.TrimSpace(req.String("url"))
	switch {
	case link != "" && att != nil:
		return refuse("give a file or a url, not both.")
	case link != "":
		return b.ingestURL(ctx, req, link, refuse)
	case att == nil:
		return refuse("attach a .md, .txt, .html or FAQ .yaml file, or give the url of a web page.")
	}
	name := path.Base(strings.ReplaceAll(att.Filename, `\`, "/"))
	if name != att.Filename {
		return refuse(fmt.Sprintf("the file name %q contains a path.", Escape(truncate(att.Filename, 80))))
	}
	if att.Size > int(b.cfg.MaxIngestBytes) {
		return refuse(fmt.Sprintf("the file is %d bytes; the limit is %d.", att.Size, b.cfg.MaxIngestBytes))
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".txt", ".html", ".htm", ".yaml", ".yml":
	default:
		return refuse(fmt.Sprintf("%q is not a file type I read (.md, .txt, .html, .yaml).", Escape(truncate(name, 80))))
	}
	// The name is checked as the corpus will store it before anything is
	// downloaded.
	if _, err := corpus.IngestName(name); err != nil {
		return refuse(Escape(err.Error()) + ".")
	}
	data, err := b.download(ctx, att.URL)
	if err != nil {
		return refuse(Escape(err.Error()) + ".")
	}
	job, err := b.cfg.Admin.Ingest(name, data, req.Bool("replace"), "user "+req.UserID)
	if err != nil {
		if errors.Is(err, service.ErrNoCorpusDir) || errors.Is(err, service.ErrExists) {
			return refuse(err.Error() + ".")
		}
		return refuse(Escape(err.Error()) + ".")
	}
	return b.followJob(job, fmt.Sprintf("Added **%s**; reindexing.", Escape(name))), nil
}

// ingestURL adds a web page by its address and says what was saved.
func (b *Bot) ingestURL(ctx context.Context, req *Request, link string, refuse func(string) (*Response, error)) (*Response, error) {
	page, job, err := b.cfg.Admin.AddURL(ctx, link, "user "+req.UserID)
	if err != nil {
		return refuse(Escape(truncate(err.Error(), 300)) + ".")
	}
	verb := "Added"
	if page.Refreshed {
		verb = "Refreshed"
	}
	note := fmt.Sprintf("%s **%s** (%s, %s): %d passages, from <%s>; reindexing.", verb, Escape(truncate(page.Title, 200)),
		Escape(truncate(page.Source, 100)), dated(page.Published), page.Passages, truncate(page.URL, 500))
	return b.followJob(job, note), nil
}

// attachmentHosts are where Discord keeps attachments.
var attachmentHosts = map[string]bool{"cdn.discordapp.com": true, "media.discordapp.net": true}

// attachmentURL reports whether u points at Discord's attachment hosts (or
// at DISCORD_API_URL's host, where a test Discord keeps them).
func (b *Bot) attachmentURL(u *url.URL) bool {
	if u.Scheme == "https" && attachmentHosts[strings.ToLower(u.Hostname())] {
		return true
	}
	rw, ok := b.cfg.HTTPClient.Transport.(*rewrite)
	return ok && u.Scheme == rw.base.Scheme && u.Host == rw.base.Host
}

// download fetches an attachment from Discord's attachment hosts, refusing
// any other host, a redirect to one, and anything over the size cap.
func (b *Bot) download(ctx context.Context, link string) ([]byte, error) {
	u, err := url.Parse(link)
	if err != nil || !b.attachmentURL(u) {
		return nil, errors.New("the attachment's link does not point at Discord's attachment servers")
	}
	req, err := http.NewRequestWithContext(ctx, "GET", link, nil)
	if err != nil {
		return nil, errors.New("the attachment's link is not usable")
	}
	client := *b.cfg.HTTPClient
	client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if len(via) >= 3 || !b.attachmentURL(r.URL) {
			return errors.New("redirected away from Discord's attachment servers")
		}
		return nil
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, errors.New("the attachment could not be downloaded")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the attachment could not be downloaded (HTTP %d)", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, b.cfg.MaxIngestBytes+1))
	if err != nil {
		return nil, errors.New("the attachment could not be downloaded")
	}
	if int64(len(data)) > b.cfg.MaxIngestBytes {
		return nil, fmt.Errorf("the file is over the %d byte limit", b.cfg.MaxIngestBytes)
	}
	return data, nil
}

func (b *Bot) forget(_ context.Context, req *Request) (*Response, error) {
	name := req.String("document")
	job, err := b.cfg.Admin.Forget(name, "user "+req.UserID)
	if err != nil {
		m := TextMessage("Nothing removed: "+Escape(err.Error())+".", true)
		return &Response{Message: &m}, nil
	}
	return b.followJob(job, fmt.Sprintf("Removed **%s**; reindexing.", Escape(name))), nil
}

func (b *Bot) completeIngested(_ context.Context, req *Request) (*Response, error) {
	typed := strings.ToLower(req.String(req.Focused))
	var choices []*discordgo.ApplicationCommandOptionChoice
	for _, name := range b.cfg.Admin.Ingested() {
		if len(choices) == maxChoices {
			break
		}
		if strings.Contains(strings.ToLower(name), typed) {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(name, maxChoiceLen), Value: truncate(name, maxChoiceLen)})
		}
	}
	return &Response{Choices: choices}, nil
}
