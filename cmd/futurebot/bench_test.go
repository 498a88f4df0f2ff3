package main

import (
	"encoding/json"
	"futurebot/bench"
	"testing"
)

// TestBenchSmall runs the bench command on a small corpus and checks its
// JSON has every figure docs/benchmarks.md reports.
func TestBenchSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bench")
	}
	if _, err := bench.OpticksText(); err != nil {
		t.Skip(err)
	}
	out, stderr, code := run(t, "", nil, "", "bench", "--passages", "300", "--questions", "30", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r map[string]float64
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, key := range []string{"passages", "index_passages_per_s", "peer_index_passages_per_s", "answer_p50_ms", "answer_p99_ms",
		"peer_p50_ms", "peer_p99_ms", "open_ms", "serve_rss_mb", "index_mb"} {
		if r[key] <= 0 {
			t.Errorf("%s = %v, want a positive measurement", key, r[key])
		}
	}
	if r["passages"] < 300 {
		t.Errorf("passages %v, want at least 300", r["passages"])
	}
}
