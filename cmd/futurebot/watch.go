package main

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

// watchCorpus reindexes after the files under dir change, once they have
// been quiet for debounce. It returns when ctx is done.
func watchCorpus(ctx context.Context, dir string, debounce time.Duration, a *admin, log *slog.Logger) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	add := func(root string) {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				if p != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				if err := w.Add(p); err != nil {
					log.Warn("cannot watch corpus directory", "dir", p, "err", err)
				}
			}
			return nil
		})
	}
	add(dir)
	log.Info("watching the corpus for changes", "dir", dir, "debounce", debounce)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if strings.HasPrefix(filepath.Base(ev.Name), ".") {
				continue // temporary files, such as an ingest being written
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					add(ev.Name)
				}
			}
			timer.Reset(debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			log.Warn("corpus watcher", "err", err)
		case <-timer.C:
			if _, started := a.start("corpus watcher", true); started {
				log.Info("corpus changed; reindexing")
			}
		}
	}
}
