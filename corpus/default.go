package corpus

import (
	"embed"
	"io/fs"
)

//go:embed default
var defaultCorpus embed.FS

// Default returns the corpus built into the binary: an overview of China's
// future industries, briefs on each sector, company and policy, an FAQ and
// the entity list.
func Default() fs.FS {
	sub, err := fs.Sub(defaultCorpus, "default")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
