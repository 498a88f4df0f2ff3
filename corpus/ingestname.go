package corpus

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Allowed extensions for ingested files (not entities.yaml: it belongs at
// the corpus root and is edited there).
var ingestExts = map[string]bool{".md": true, ".markdown": true, ".txt": true, ".html": true, ".htm": true, ".yaml": true, ".yml": true}

var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// IngestName turns the name of a file an admin sends into a safe base name
// for the corpus directory's ingested/, or says why it cannot be used.
func IngestName(name string) (string, error) {
	if strings.ContainsAny(name, `/\`) || strings.Contains(name, "..") {
		return "", fmt.Errorf("file name %q may not contain a path", name)
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		case r == ' ':
			return '-'
		}
		return -1
	}, name)
	if !safeName.MatchString(clean) || strings.HasPrefix(clean, ".") {
		return "", fmt.Errorf("file name %q is not usable (letters, digits, dot, dash and underscore only)", name)
	}
	ext := strings.ToLower(path.Ext(clean))
	if !ingestExts[ext] || strings.EqualFold(clean, EntitiesFile) {
		return "", fmt.Errorf("file type %q is not accepted: send .md, .txt, .html or an FAQ .yaml", ext)
	}
	return clean, nil
}
