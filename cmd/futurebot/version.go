package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// versionCommand prints the module version and the revision the binary was
// built from.
type versionCommand struct{}

func (*versionCommand) Run(_ context.Context, m *Main, args []string) error {
	if _, _, err := m.setup("version", false, args, nil); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, version())
	return nil
}

// version is "futurebot VERSION (REVISION, TIME[, modified])" from the build
// information, with what of it the build recorded.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "futurebot (no build information)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value[:min(len(s.Value), 12)]
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev == "" {
		return "futurebot " + v
	}
	return fmt.Sprintf("futurebot %s (%s, %s%s)", v, rev, at, modified)
}
