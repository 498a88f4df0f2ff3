// Package api is futurebot's HTTP API for other tools, and a client for it.
// GET /api/ask?q=… answers one question with the JSON that `futurebot ask
// --json` prints; GET /api/lookup?kind=…&name=… describes one sector,
// company or policy. The command line uses it to answer while a running bot
// holds the index.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/ratelimit"
)

// Answer is an answer as JSON, one object per line of `futurebot ask
// --json`.
type Answer struct {
	Question   string        `json:"question"`
	Answered   bool          `json:"answered"`
	Answer     string        `json:"answer"`
	Highlights []corpus.Span `json:"highlights"` // the matched words, in Answer
	Confidence string        `json:"confidence"`
	Type       string        `json:"type"`
	Entities   []string      `json:"entities"`
	Citations  []Citation    `json:"citations"`
	// Suggestions are the nearest sources when the question is not
	// answered.
	Suggestions []Suggestion `json:"suggestions"`
	// SourceMonth is the month of a quoted source old enough that its
	// facts may have changed ("July 2025").
	SourceMonth string  `json:"source_month,omitempty"`
	TookMS      float64 `json:"took_ms"`
	// Explain says how the answer was chosen, when it was asked for.
	Explain *answers.Explanation `json:"explain,omitempty"`
}

// Citation is one numbered source of an answer.
type Citation struct {
	N          int           `json:"n"`
	Title      string        `json:"title"`
	URL        string        `json:"url"`
	Source     string        `json:"source"`
	Published  string        `json:"published"`
	Snippet    string        `json:"snippet"`
	Highlights []corpus.Span `json:"highlights"`
	DocID      string        `json:"doc_id"`
}

// Suggestion is a source near a question the sources do not answer.
type Suggestion struct {
	Title   string `json:"title"`
	URL     string `json:"url"`
	Snippet string `json:"snippet,omitempty"`
}

// Card is what the sources say about one sector, company or policy.
type Card struct {
	Entity  corpus.Entity   `json:"entity"`
	Related []corpus.Entity `json:"related"`
	// Facts are up to three cited sentences about the entity.
	Facts []Citation `json:"facts"`
}

// FromCard turns an entity card into its JSON shape.
func FromCard(c answers.Card) Card {
	j := Card{Entity: c.Entity, Related: c.Related, Facts: citations(c.Facts)}
	if j.Related == nil {
		j.Related = []corpus.Entity{}
	}
	return j
}

func citations(cs []answers.Citation) []Citation {
	out := []Citation{}
	for _, c := range cs {
		hl := c.Highlights
		if hl == nil {
			hl = []corpus.Span{}
		}
		out = append(out, Citation{N: c.N, Title: c.Title, URL: c.URL, Source: c.Source,
			Published: c.Published, Snippet: c.Snippet, Highlights: hl, DocID: c.DocID})
	}
	return out
}

// FromAnswer turns an answer into its JSON shape; lists are never null.
func FromAnswer(a answers.Answer) Answer {
	j := Answer{
		Question: a.Question, Answered: a.Answered, Answer: a.Text, Highlights: a.Highlights, Confidence: string(a.Confidence),
		Type: string(a.Type), Entities: a.Entities, Citations: citations(a.Citations), Suggestions: []Suggestion{},
		TookMS: float64(a.Took.Microseconds()) / 1000, SourceMonth: a.SourceMonth, Explain: a.Explain,
	}
	if j.Entities == nil {
		j.Entities = []string{}
	}
	if j.Highlights == nil {
		j.Highlights = []corpus.Span{}
	}
	for _, s := range a.Suggestions {
		j.Suggestions = append(j.Suggestions, Suggestion{Title: s.Title, URL: s.URL, Snippet: s.Snippet})
	}
	return j
}

// Library is what the API serves from.
type Library interface {
	Ask(ctx context.Context, q string) (answers.Answer, error)
	Lookup(ctx context.Context, kind corpus.EntityKind, name string) (answers.Card, error)
}

// maxQueryBytes bounds a request's question or name.
const maxQueryBytes = 2048

// Handler serves the API. Each client address may make perMinute requests
// a minute (0: no limit), as each member may ask the bot.
func Handler(lib Library, perMinute int, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &handler{lib: lib, limit: ratelimit.New(perMinute), log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/ask", h.ask)
	mux.HandleFunc("GET /api/lookup", h.lookup)
	return mux
}

type handler struct {
	lib   Library
	limit *ratelimit.PerKey
	log   *slog.Logger
}

// apiError is the body of every refusal.
type apiError struct {
	Error string `json:"error"`
}

func (h *handler) ask(w http.ResponseWriter, r *http.Request) {
	q, ok := h.param(w, r, "q")
	if !ok {
		return
	}
	a, err := h.lib.Ask(r.Context(), q)
	if err != nil && !errors.Is(err, answers.ErrEmptyQuestion) {
		h.log.Error("API question failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, apiError{"the question could not be answered; the details are in the bot's log"})
		return
	}
	writeJSON(w, http.StatusOK, FromAnswer(a))
}

func (h *handler) lookup(w http.ResponseWriter, r *http.Request) {
	name, ok := h.param(w, r, "name")
	if !ok {
		return
	}
	kind, err := corpus.ParseEntityKind(r.URL.Query().Get("kind"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
		return
	}
	card, err := h.lib.Lookup(r.Context(), kind, name)
	switch {
	case errors.Is(err, answers.ErrUnknownEntity):
		writeJSON(w, http.StatusNotFound, apiError{fmt.Sprintf("no %s called %q in my sources", kind, name)})
	case err != nil:
		h.log.Error("API lookup failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, apiError{"the lookup failed; the details are in the bot's log"})
	default:
		writeJSON(w, http.StatusOK, FromCard(card))
	}
}

// param checks the rate limit and reads a required query parameter,
// answering the refusal itself when it returns false.
func (h *handler) param(w http.ResponseWriter, r *http.Request, key string) (string, bool) {
	client, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		client = r.RemoteAddr
	}
	if ok, wait := h.limit.Allow(client); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
		writeJSON(w, http.StatusTooManyRequests, apiError{fmt.Sprintf("too many questions; try again in %d s", int(wait.Seconds()+0.999))})
		return "", false
	}
	v := strings.TrimSpace(r.URL.Query().Get(key))
	switch {
	case v == "":
		writeJSON(w, http.StatusBadRequest, apiError{fmt.Sprintf("missing %s: GET /api/ask?q=your+question", key)})
		return "", false
	case len(v) > maxQueryBytes:
		writeJSON(w, http.StatusRequestEntityTooLarge, apiError{fmt.Sprintf("%s is over %d bytes", key, maxQueryBytes)})
		return "", false
	}
	return v, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"error":"the reply could not be encoded"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// Client asks a running futurebot.
type Client struct {
	// Base is the bot's HTTP address, such as http://127.0.0.1:8080.
	Base string
	HTTP *http.Client
}

// NewClient returns a client of the bot listening on addr (HTTP_ADDR; an
// empty or wildcard host means this machine).
func NewClient(addr string) (*Client, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("HTTP_ADDR %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return &Client{Base: "http://" + net.JoinHostPort(host, port), HTTP: &http.Client{Timeout: 30 * time.Second}}, nil
}

// Ask asks one question.
func (c *Client) Ask(ctx context.Context, q string) (Answer, error) {
	var a Answer
	err := c.get(ctx, "/api/ask?"+url.Values{"q": {q}}.Encode(), &a)
	return a, err
}

// Lookup describes one sector, company or policy; an unknown one is
// answers.ErrUnknownEntity.
func (c *Client) Lookup(ctx context.Context, kind corpus.EntityKind, name string) (Card, error) {
	var card Card
	err := c.get(ctx, "/api/lookup?"+url.Values{"kind": {string(kind)}, "name": {name}}.Encode(), &card)
	return card, err
}

func (c *Client) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("ask the running bot at %s: %w", c.Base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("read the running bot's reply: %w", err)
	}
	if resp.StatusCode == http.StatusNotFound && strings.HasPrefix(path, "/api/lookup") {
		return answers.ErrUnknownEntity
	}
	if resp.StatusCode != http.StatusOK {
		var e apiError
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return fmt.Errorf("the running bot at %s: %s", c.Base, e.Error)
		}
		return fmt.Errorf("the running bot at %s: HTTP %d", c.Base, resp.StatusCode)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("the running bot at %s sent a reply that is not futurebot's: %w", c.Base, err)
	}
	return nil
}
