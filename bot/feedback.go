package bot

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// feedbackLog appends 👍/👎 clicks as JSON lines to DATA_DIR/feedback.jsonl.
type feedbackLog struct {
	mu   sync.Mutex
	path string
}

func newFeedbackLog(dataDir string) *feedbackLog {
	if dataDir == "" {
		return &feedbackLog{}
	}
	return &feedbackLog{path: filepath.Join(dataDir, "feedback.jsonl")}
}

type feedbackEntry struct {
	Time      time.Time `json:"time"`
	Vote      string    `json:"vote"`
	UserID    string    `json:"user_id"`
	MessageID string    `json:"message_id,omitempty"`
	Question  string    `json:"question"`
	Hash      string    `json:"question_hash"`
}

func (f *feedbackLog) add(e feedbackEntry) error {
	if f.path == "" {
		return nil
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	file, err := os.OpenFile(f.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	if _, err := file.Write(append(line, '\n')); err != nil {
		file.Close()
		return fmt.Errorf("feedback: %w", err)
	}
	return file.Close()
}
