package bot

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Limits of the HTTP interactions endpoint.
const (
	maxInteractionBody = 64 << 10
	maxClockSkew       = 5 * time.Minute
)

// InteractionsHandler serves Discord's HTTP interactions endpoint (the
// alternative to receiving interactions over the gateway): it checks the
// Ed25519 signature over timestamp and body, refuses old timestamps (replays)
// and oversized bodies, answers PING, and routes commands, autocomplete and
// buttons to the same handlers as the gateway, replying in the HTTP response.
// Slow answers are deferred in the response and edited later through the
// REST API with the interaction's own token.
func (b *Bot) InteractionsHandler(key ed25519.PublicKey) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxInteractionBody+1))
		if err != nil || len(body) > maxInteractionBody {
			http.Error(w, "body too large", http.StatusBadRequest)
			return
		}
		if !b.verify(key, r.Header, body) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		var i discordgo.Interaction
		if err := json.Unmarshal(body, &i); err != nil {
			http.Error(w, "not an interaction", http.StatusBadRequest)
			return
		}
		if i.Type == discordgo.InteractionPing {
			writeInteractionJSON(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
			return
		}
		first := make(chan *discordgo.InteractionResponse, 1)
		done := make(chan struct{})
		go func() {
			defer close(done)
			b.handleInteraction(&i, func(resp *discordgo.InteractionResponse) error {
				select {
				case first <- resp:
					return nil
				default:
					return errors.New("the interaction was already answered")
				}
			})
		}()
		select {
		case resp := <-first:
			writeInteractionJSON(w, resp)
		case <-done:
			select {
			case resp := <-first:
				writeInteractionJSON(w, resp)
			default:
				http.Error(w, "interaction not handled", http.StatusBadRequest)
			}
		case <-time.After(2800 * time.Millisecond):
			b.log.Error("no response within Discord's 3 s", "id", i.ID)
			http.Error(w, "timeout", http.StatusInternalServerError)
		}
	})
}

// verify checks Discord's signature headers; the timestamp must be within
// maxClockSkew of now, or a captured request could be replayed.
func (b *Bot) verify(key ed25519.PublicKey, h http.Header, body []byte) bool {
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	ts := h.Get("X-Signature-Timestamp")
	if err != nil || len(sig) != ed25519.SignatureSize || ts == "" || len(key) != ed25519.PublicKeySize {
		return false
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || math.Abs(time.Since(time.Unix(secs, 0)).Seconds()) > maxClockSkew.Seconds() {
		return false
	}
	return ed25519.Verify(key, append([]byte(ts), body...), sig)
}

func writeInteractionJSON(w http.ResponseWriter, resp *discordgo.InteractionResponse) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// ParsePublicKey reads the application's public key (DISCORD_PUBLIC_KEY, hex).
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	k, err := hex.DecodeString(s)
	if err != nil || len(k) != ed25519.PublicKeySize {
		return nil, errors.New("DISCORD_PUBLIC_KEY must be the application's public key: 64 hex characters")
	}
	return ed25519.PublicKey(k), nil
}
