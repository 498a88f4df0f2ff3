// Package testcorpus writes corpora for tests: many small articles, so that
// a rebuild takes long enough to do things during it.
package testcorpus

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Harbour writes n harbour reports and a marker article into dir; the
// marker article answers "What is the marker of this corpus?" with marker.
func Harbour(t testing.TB, dir string, n int, marker string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		body := fmt.Sprintf("# Harbour report %d\n\nCargo drones in harbour %d carried %d parcels this month, and port officials counted %d delayed flights.\n\nThe harbour authority plans %d more corridors next year.\n", i, i, 100+i, i%17, i%5)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("report-%05d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	Marker(t, dir, marker)
}

// Marker rewrites the marker article.
func Marker(t testing.TB, dir, marker string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "marker.md"), []byte("# Marker\n\nThe marker of this corpus is "+marker+".\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
