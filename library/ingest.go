package library

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"futurebot/corpus"
	"futurebot/internal/atomicfile"
	"futurebot/service"
)

// IngestedDir is where documents added by admins go, inside the corpus
// directory.
const IngestedDir = "ingested"

// Ingest checks a file with the corpus loader and writes it atomically
// under the corpus directory's ingested/, then starts a reindex. Nothing is
// written when the file does not load.
func (l *Library) Ingest(name string, data []byte, replace bool, by string) (service.ReindexJob, error) {
	if l.opts.CorpusDir == "" {
		return nil, service.ErrNoCorpusDir
	}
	clean, err := corpus.IngestName(name)
	if err != nil {
		return nil, err
	}
	if _, err := corpus.ParseFile(clean, data); err != nil {
		return nil, fmt.Errorf("%s does not load: %w", clean, err)
	}
	dir := filepath.Join(l.opts.CorpusDir, IngestedDir)
	l.jobMu.Lock()
	err = writeNew(dir, clean, data, replace)
	l.jobMu.Unlock()
	if errors.Is(err, service.ErrExists) {
		return nil, err
	}
	if err != nil {
		// The admin sees a plain reason; the path and OS error go to the log.
		l.log.Error("ingest failed", "file", clean, "err", err)
		return nil, service.ErrStorage
	}
	l.log.Info("document ingested", "file", path.Join(IngestedDir, clean), "bytes", len(data), "by", by, "replace", replace)
	return l.update(by, path.Join(IngestedDir, clean)), nil
}

// writeNew writes data to dir/name atomically (see atomicfile); an
// existing file is replaced only when replace is true.
func writeNew(dir, name string, data []byte, replace bool) error {
	target := filepath.Join(dir, name)
	if _, err := os.Stat(target); err == nil && !replace {
		return service.ErrExists
	}
	if err := atomicfile.Write(target, data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// Forget removes an ingested file and starts a reindex.
func (l *Library) Forget(name, by string) (service.ReindexJob, error) {
	if l.opts.CorpusDir == "" {
		return nil, service.ErrNoCorpusDir
	}
	clean, err := corpus.IngestName(name)
	if err != nil {
		return nil, service.ErrNotIngested
	}
	l.jobMu.Lock()
	err = os.Remove(filepath.Join(l.opts.CorpusDir, IngestedDir, clean))
	l.jobMu.Unlock()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, service.ErrNotIngested
	}
	if err != nil {
		l.log.Error("forget failed", "file", clean, "err", err)
		return nil, service.ErrStorage
	}
	l.log.Info("document forgotten", "file", path.Join(IngestedDir, clean), "by", by)
	return l.update(by, path.Join(IngestedDir, clean)), nil
}

// Ingested lists the files under the corpus directory's ingested/.
func (l *Library) Ingested() []string {
	if l.opts.CorpusDir == "" {
		return nil
	}
	entries, err := os.ReadDir(filepath.Join(l.opts.CorpusDir, IngestedDir))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.log.Warn("cannot list the ingested documents", "err", err)
		}
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
