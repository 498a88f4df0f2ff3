//go:build race

package bot_test

// raceEnabled is true when the tests run under the race detector, which
// makes each answer several times slower: the load test sends fewer
// questions then, so that it measures races and not a slowed machine.
const raceEnabled = true
