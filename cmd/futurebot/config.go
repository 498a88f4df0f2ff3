package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"futurebot/corpus"
	"futurebot/fetch"
	"futurebot/gaps"
)

// errConfig marks configuration problems.
var errConfig = errors.New("configuration")

// config is every setting, read in this order, later ones winning: defaults,
// the .env file, the environment, flags.
type config struct {
	CorpusDir string
	DataDir   string
	LogLevel  string
	EnvFile   string
	// envFileGiven is true when --env-file was given: then the file must
	// exist.
	envFileGiven bool

	// lookup reads a setting from the environment, then the .env file; a
	// setting that is empty in both gets def.
	lookup func(key, def string) string
	// isSet reports whether a setting is given at all, even empty
	// ("HTTP_ADDR=" turns the health server off), and its value.
	isSet func(key string) (string, bool)
}

// setup parses a command's flags (its own, registered by extra, and the
// common ones) and resolves the configuration; it returns the positional
// arguments.
// On a configuration problem it still returns the configuration, so that a
// command can add its own problems and report them all at once.
func (m *Main) setup(name string, withData bool, args []string, extra func(*flag.FlagSet)) (*config, []string, error) {
	c := &config{}
	fs := flag.NewFlagSet("futurebot "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() { commandUsage(fs, name) }
	c.bindCommon(fs, withData)
	if extra != nil {
		extra(fs)
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, nil, err
	}
	fs.Visit(func(f *flag.Flag) { c.envFileGiven = c.envFileGiven || f.Name == "env-file" })
	return c, rest, c.resolve(m.Getenv)
}

// configErr is a list of configuration problems, each naming the setting,
// its value and what is allowed; it is errConfig.
type configErr []string

func (e configErr) Error() string {
	return "configuration problems:\n  " + strings.Join(e, "\n  ")
}

func (e configErr) Is(target error) bool { return target == errConfig }

// configError reports configuration problems, one per line.
func configError(problems []string) error { return configErr(problems) }

// joinConfigErrors puts the problems of several errors into one list; an
// error that is no configuration problem is returned as it is.
func joinConfigErrors(errs ...error) error {
	var all configErr
	for _, err := range errs {
		var ce configErr
		switch {
		case errors.As(err, &ce):
			all = append(all, ce...)
		case err != nil:
			return err
		}
	}
	if len(all) == 0 {
		return nil
	}
	return all
}

// bindCommon registers the flags shared by commands that open the corpus.
func (c *config) bindCommon(fs *flag.FlagSet, withData bool) {
	fs.StringVar(&c.CorpusDir, "corpus", "", "corpus directory (default: CORPUS_DIR, else the built-in corpus)")
	if withData {
		fs.StringVar(&c.DataDir, "data", "", "data directory for the index (default: DATA_DIR, else ./data)")
	}
	fs.StringVar(&c.EnvFile, "env-file", ".env", "file of KEY=value settings read before the environment")
}

// resolve fills settings the flags left empty from the environment and the
// .env file, applies defaults, and validates everything, naming each problem.
func (c *config) resolve(getenv env) error {
	file := map[string]string{}
	var problems []string
	if c.EnvFile != "" {
		m, err := godotenv.Read(c.EnvFile)
		switch {
		case err == nil:
			file = m
		case errors.Is(err, fs.ErrNotExist) && !c.envFileGiven:
		case errors.Is(err, fs.ErrNotExist):
			problems = append(problems, fmt.Sprintf("--env-file %q: no such file", c.EnvFile))
		default:
			problems = append(problems, fmt.Sprintf("read %s: %v", c.EnvFile, err))
		}
	}
	lookup := func(key, def string) string {
		if v, _ := getenv(key); strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		if v := strings.TrimSpace(file[key]); v != "" {
			return v
		}
		return def
	}
	c.lookup = lookup
	c.isSet = func(key string) (string, bool) {
		if v, ok := getenv(key); ok {
			return strings.TrimSpace(v), true
		}
		v, ok := file[key]
		return strings.TrimSpace(v), ok
	}
	if c.CorpusDir == "" {
		c.CorpusDir = lookup("CORPUS_DIR", "")
	}
	if c.DataDir == "" {
		c.DataDir = lookup("DATA_DIR", "data")
	}
	c.LogLevel = lookup("LOG_LEVEL", "info")
	if c.CorpusDir != "" {
		if st, err := os.Stat(c.CorpusDir); err != nil {
			problems = append(problems, fmt.Sprintf("CORPUS_DIR %q: %v", c.CorpusDir, errors.Unwrap(err)))
		} else if !st.IsDir() {
			problems = append(problems, fmt.Sprintf("CORPUS_DIR %q is not a directory", c.CorpusDir))
		}
	}
	if st, err := os.Stat(c.DataDir); err == nil && !st.IsDir() {
		problems = append(problems, fmt.Sprintf("DATA_DIR %q is not a directory", c.DataDir))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return configError(problems)
	}
	return nil
}

// defaultHTTPAddr is where /healthz and /metrics listen unless HTTP_ADDR
// says otherwise.
const defaultHTTPAddr = ":8080"

// httpAddr is where the health and metrics server listens: HTTP_ADDR, or
// :8080 when it is unset; "" when it is set empty or to "off" (no server).
func (c *config) httpAddr() string {
	addr, set := c.isSet("HTTP_ADDR")
	if !set {
		return defaultHTTPAddr
	}
	if strings.EqualFold(addr, "off") || strings.EqualFold(addr, "none") {
		return ""
	}
	return addr
}

// maxFailed is REINDEX_MAX_FAILED as a share: how many corpus files may
// fail to load before a rebuild is refused (default 20%).
func (c *config) maxFailed() (float64, error) {
	raw := c.lookup("REINDEX_MAX_FAILED", "20%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(raw, "%"), 64)
	if err != nil || v < 0 || v > 100 {
		return 0, fmt.Errorf("REINDEX_MAX_FAILED %q: want a percentage from 0 to 100", raw)
	}
	return v / 100, nil
}

// staleAfter is STALE_AFTER: the age from which an answer says its source's
// month ("18 months" by default, "off" never). It takes "540d", "18mo",
// "1.5y", "6 months" or a Go duration such as "4380h".
func (c *config) staleAfter() (time.Duration, error) {
	raw := strings.ToLower(c.lookup("STALE_AFTER", "18mo"))
	if raw == "off" || raw == "0" {
		return -1, nil
	}
	d, err := parseAge(raw)
	if err != nil {
		return 0, fmt.Errorf("STALE_AFTER %q: want an age such as 18mo, 540d, 1.5y or off", raw)
	}
	return d, nil
}

// parseAge reads an age: "540d", "18mo", "1.5y", "6 months", "2 weeks" or
// a Go duration such as "4380h".
func parseAge(raw string) (time.Duration, error) {
	raw = strings.ToLower(strings.TrimSpace(raw))
	if m := ageRe.FindStringSubmatch(raw); m != nil {
		n, err := strconv.ParseFloat(m[1], 64)
		if err == nil && n > 0 {
			unit := map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "mo": 30 * 24 * time.Hour, "y": 365 * 24 * time.Hour}
			return time.Duration(n * float64(unit[ageUnit(m[2])])), nil
		}
	}
	if d, err := time.ParseDuration(raw); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("%q is not an age", raw)
}

var ageRe = regexp.MustCompile(`^(\d+(?:\.\d+)?)\s*(d|days?|w|weeks?|mo|months?|y|years?)$`)

func ageUnit(u string) string {
	switch {
	case strings.HasPrefix(u, "mo"):
		return "mo"
	case strings.HasPrefix(u, "d"):
		return "d"
	case strings.HasPrefix(u, "w"):
		return "w"
	}
	return "y"
}

// fetcher fetches the pages and feeds admins add: FETCH_MAX_BYTES (default
// 5 MiB) per page, FETCH_ALLOW_PRIVATE (default false) to reach loopback
// and private addresses.
func (c *config) fetcher() (*fetch.Fetcher, error) {
	var problems []string
	raw := c.lookup("FETCH_MAX_BYTES", "5MiB")
	maxBytes, err := parseBytes(raw)
	if err != nil {
		problems = append(problems, fmt.Sprintf("FETCH_MAX_BYTES %q: want a size such as 5MiB, 800KiB or 1048576", raw))
	}
	private, err := parseBool(c.lookup("FETCH_ALLOW_PRIVATE", "false"))
	if err != nil {
		problems = append(problems, fmt.Sprintf("FETCH_ALLOW_PRIVATE: %v", err))
	}
	if len(problems) > 0 {
		return nil, configError(problems)
	}
	return fetch.New(fetch.Options{MaxBytes: maxBytes, AllowPrivate: private}), nil
}

// parseBool reads a yes/no setting.
func parseBool(raw string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q: want true or false", raw)
}

// feedInterval is FEED_INTERVAL: how often the feeds of feeds.yaml are
// polled (default 30 minutes; "off" never).
func (c *config) feedInterval() (time.Duration, error) {
	raw := strings.ToLower(c.lookup("FEED_INTERVAL", "30m"))
	if raw == "off" || raw == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil {
		d, err = parseAge(raw)
	}
	if err != nil || d < time.Minute {
		return 0, fmt.Errorf("FEED_INTERVAL %q: want a duration of a minute or more, such as 30m or 2h, or off", raw)
	}
	return d, nil
}

var sizeRe = regexp.MustCompile(`^(\d+)\s*(b|kib|kb|k|mib|mb|m)?$`)

// parseBytes reads a size: 1048576, 800KiB, 5MiB (KB and MB are read as
// KiB and MiB).
func parseBytes(raw string) (int64, error) {
	m := sizeRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(raw)))
	if m == nil {
		return 0, fmt.Errorf("%q is not a size", raw)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n <= 0 || n > 1<<30 {
		return 0, fmt.Errorf("%q is not a size up to 1 GiB", raw)
	}
	switch m[2] {
	case "kib", "kb", "k":
		n <<= 10
	case "mib", "mb", "m":
		n <<= 20
	}
	if n > 1<<30 {
		return 0, fmt.Errorf("%q is over 1 GiB", raw)
	}
	return n, nil
}

// gapsLog is the gaps log of DATA_DIR, or nil when GAPS_LOG is off;
// GAPS_RETENTION (default 30 days) is how long its entries are kept.
func (c *config) gapsLog() (*gaps.Log, error) {
	var problems []string
	on := true
	switch v := strings.ToLower(c.lookup("GAPS_LOG", "on")); v {
	case "on", "true", "1", "yes":
	case "off", "false", "0", "no":
		on = false
	default:
		problems = append(problems, fmt.Sprintf("GAPS_LOG %q: want on or off", v))
	}
	raw := c.lookup("GAPS_RETENTION", "30d")
	retention, err := parseAge(raw)
	if err != nil || retention <= 0 {
		problems = append(problems, fmt.Sprintf("GAPS_RETENTION %q: want an age such as 30d or 6mo", raw))
	}
	if len(problems) > 0 {
		return nil, configError(problems)
	}
	if !on {
		return nil, nil
	}
	return gaps.Open(c.DataDir, retention), nil
}

// corpusFS returns the corpus to read: CORPUS_DIR, or the built-in one.
func (c *config) corpusFS() fs.FS {
	if c.CorpusDir == "" {
		return corpus.Default()
	}
	return corpus.Dir(c.CorpusDir)
}

func (c *config) corpusName() string {
	if c.CorpusDir == "" {
		return "the built-in corpus"
	}
	return c.CorpusDir
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", s)
	}
	return l, nil
}

func (c *config) logger(m *Main) *slog.Logger {
	l, _ := parseLevel(c.LogLevel)
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: l}))
}
