package library

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watcher reports changes to the files under a corpus directory.
type watcher struct {
	w   *fsnotify.Watcher
	log *slog.Logger
}

func newWatcher(dir string, log *slog.Logger) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{w: fw, log: log}
	if err := w.add(dir); err != nil {
		fw.Close()
		return nil, err
	}
	log.Info("watching the corpus for changes", "dir", dir)
	return w, nil
}

// add watches root and the directories under it, except hidden ones.
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
		if p != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if err := w.w.Add(p); err != nil {
			w.log.Warn("cannot watch corpus directory", "dir", p, "err", err)
		}
		return nil
	})
}

// run calls changed once the files have been quiet for debounce after a
// change, until ctx is done; then it closes the watcher.
func (w *watcher) run(ctx context.Context, debounce time.Duration, changed func()) {
	defer w.w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
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
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					if err := w.add(ev.Name); err != nil {
						w.log.Warn("cannot watch corpus directory", "dir", ev.Name, "err", err)
					}
				}
			}
			timer.Reset(debounce)
		case err, ok := <-w.w.Errors:
			if !ok {
				return
			}
			w.log.Warn("corpus watcher", "err", err)
		case <-timer.C:
			changed()
		}
	}
}
