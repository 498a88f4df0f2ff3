package library

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"futurebot/corpus"
)

// watcher reports changes to the files under a corpus directory.
type watcher struct {
	w    *fsnotify.Watcher
	log  *slog.Logger
	root string
}

// maxWatchedPaths is how many changed files the watcher names; beyond it,
// or when a directory changes, it says only that the corpus changed.
const maxWatchedPaths = 200

func newWatcher(dir string, log *slog.Logger) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{w: fw, log: log, root: dir}
	if err := w.add(dir); err != nil {
		fw.Close()
		return nil, err
	}
	log.Info("watching the corpus for changes", "dir", dir)
	return w, nil
}

// add watches root and the directories under it, except those left out of
// the corpus.
func (w *watcher) add(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			w.log.Warn("cannot watch corpus directory", "dir", p, "err", err)
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != root && corpus.SkippedDir(d.Name()) {
			return filepath.SkipDir
		}
		if err := w.w.Add(p); err != nil {
			w.log.Warn("cannot watch corpus directory", "dir", p, "err", err)
		}
		return nil
	})
}

// run calls changed once the files have been quiet for debounce after a
// change, with the corpus files that changed (relative, slash-separated),
// or nil when it cannot name them all (a directory came or went, or many
// files changed); until ctx is done, then it closes the watcher.
func (w *watcher) run(ctx context.Context, debounce time.Duration, changed func(paths []string)) {
	defer w.w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	paths := map[string]bool{}
	whole := false
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.w.Events:
			if !ok {
				return
			}
			if strings.HasPrefix(filepath.Base(ev.Name), ".") {
				continue // temporary files, such as an ingest being written
			}
			st, statErr := os.Stat(ev.Name)
			if statErr == nil && st.IsDir() {
				if corpus.SkippedDir(filepath.Base(ev.Name)) {
					continue
				}
				whole = true
				if ev.Has(fsnotify.Create) {
					if err := w.add(ev.Name); err != nil {
						w.log.Warn("cannot watch corpus directory", "dir", ev.Name, "err", err)
					}
				}
			} else if rel, err := filepath.Rel(w.root, ev.Name); err == nil && !strings.HasPrefix(rel, "..") {
				switch rel = filepath.ToSlash(rel); {
				case path.Base(rel) == corpus.EntitiesFile:
					whole = true
				case corpus.IsCorpusFile(rel):
					paths[rel] = true
				case statErr != nil && !corpus.SkippedDir(rel):
					// Gone, and not a corpus file: it may have been a
					// directory ("v1.2" moved away). The whole corpus is
					// compared with the index, which rebuilds only when
					// they differ.
					whole = true
				}
			}
			timer.Reset(debounce)
		case err, ok := <-w.w.Errors:
			if !ok {
				return
			}
			w.log.Warn("corpus watcher", "err", err)
		case <-timer.C:
			var list []string
			if !whole && len(paths) <= maxWatchedPaths {
				for p := range paths {
					list = append(list, p)
				}
				sort.Strings(list)
			}
			if whole || len(list) > 0 || len(paths) > 0 {
				changed(list)
			}
			paths, whole = map[string]bool{}, false
		}
	}
}
