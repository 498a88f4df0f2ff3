package bot

import (
	"github.com/bwmarrin/discordgo"
)

// Command names.
const (
	cmdAsk      = "ask"
	cmdSearch   = "search"
	cmdSector   = "sector"
	cmdCompany  = "company"
	cmdPolicy   = "policy"
	cmdSources  = "sources"
	cmdHelp     = "help"
	cmdAskMsg   = "Ask futurebot"
	cmdReindex  = "reindex"
	cmdIngest   = "ingest"
	cmdForget   = "forget"
	cmdFeeds    = "feeds"
	cmdGaps     = "gaps"
	cmdSettings = "settings"
)

func ptr[T any](v T) *T { return &v }

// Commands is the full list registered at start with one bulk overwrite,
// so registering again after a restart changes nothing. The admin commands
// are hidden from members without Manage Server by default.
func Commands(withAdmin bool) []*discordgo.ApplicationCommand {
	str := func(name, desc string, required, autocomplete bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name,
			Description: desc, Required: required, Autocomplete: autocomplete, MaxLength: 500}
	}
	lookup := func(name, what string) *discordgo.ApplicationCommand {
		return &discordgo.ApplicationCommand{Name: name, Description: "What the sources say about a " + what,
			Options: []*discordgo.ApplicationCommandOption{str("name", "The "+what+"'s name or an alias", true, true)}}
	}
	cmds := []*discordgo.ApplicationCommand{
		{Name: cmdAsk, Description: "Ask a question; the answer quotes and cites the sources",
			Options: []*discordgo.ApplicationCommandOption{
				str("question", "Your question", true, true),
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Only you see the answer"},
			}},
		{Name: cmdSearch, Description: "Search the sources; results with links, page by page",
			Options: []*discordgo.ApplicationCommandOption{
				str("query", "Words to look for", true, false),
				str("sector", "Only passages about this sector", false, true),
				str("company", "Only passages about this company", false, true),
				str("policy", "Only passages about this policy", false, true),
			}},
		lookup(cmdSector, "sector"),
		lookup(cmdCompany, "company"),
		lookup(cmdPolicy, "policy"),
		{Name: cmdSources, Description: "What the sources hold, and when they were last indexed",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionInteger, Name: "page", Description: "Page of the list", MinValue: ptr(1.0)},
			}},
		{Name: cmdHelp, Description: "What futurebot does and how to ask"},
		{Name: cmdAskMsg, Type: discordgo.MessageApplicationCommand},
	}
	adminOnly := ptr(int64(discordgo.PermissionManageGuild))
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	cmds = append(cmds,
		&discordgo.ApplicationCommand{Name: cmdGaps, Description: "What members asked that the sources lack (admins)",
			DefaultMemberPermissions: adminOnly, Contexts: guildOnly},
		settingsCommand(adminOnly, guildOnly))
	if !withAdmin {
		return cmds
	}
	return append(cmds,
		&discordgo.ApplicationCommand{Name: cmdReindex, Description: "Rebuild the index from the corpus (admins)",
			DefaultMemberPermissions: adminOnly, Contexts: guildOnly},
		&discordgo.ApplicationCommand{Name: cmdIngest, Description: "Add a document to the corpus and reindex (admins)",
			DefaultMemberPermissions: adminOnly, Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "A .md, .txt, .html or FAQ .yaml file"},
				{Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: "Or the address of a web page to add (its article is kept)", MaxLength: 2000},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "replace", Description: "Overwrite a document of the same name"},
			}},
		&discordgo.ApplicationCommand{Name: cmdForget, Description: "Remove an ingested document and reindex (admins)",
			DefaultMemberPermissions: adminOnly, Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{str("document", "The ingested document", true, true)}},
		&discordgo.ApplicationCommand{Name: cmdFeeds, Description: "List, add or remove the news feeds I poll (admins)",
			DefaultMemberPermissions: adminOnly, Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "add", Description: "The address of an RSS, Atom or JSON feed to poll", MaxLength: 2000},
				{Type: discordgo.ApplicationCommandOptionString, Name: "name", Description: "The feed's name (with add)", MaxLength: 100},
				{Type: discordgo.ApplicationCommandOptionString, Name: "tags", Description: "Comma-separated tags for its pages (with add)", MaxLength: 200},
				{Type: discordgo.ApplicationCommandOptionString, Name: "remove", Description: "The address of a feed to stop polling", MaxLength: 2000, Autocomplete: true},
			}},
	)
}
