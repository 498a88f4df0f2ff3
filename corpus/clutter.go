package corpus

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ClutterRule removes one kind of scraped clutter: a paragraph matching
// Pattern, and with ActionDropList the headline list that follows it.
type ClutterRule struct {
	Name     string `yaml:"name"`
	Pattern  string `yaml:"pattern"`
	Action   string `yaml:"action"`
	MaxWords int    `yaml:"max_words"`
	re       *regexp.Regexp
}

// Clutter rule actions.
const (
	ActionDrop     = "drop"
	ActionDropList = "drop-list"
)

//go:embed clutter.yaml
var defaultClutterYAML []byte

// DefaultClutterRules are the rules in clutter.yaml beside this file.
var DefaultClutterRules = mustParseClutterRules(defaultClutterYAML)

func mustParseClutterRules(data []byte) []ClutterRule {
	rules, err := ParseClutterRules(data)
	if err != nil {
		panic(err)
	}
	return rules
}

// ParseClutterRules reads rules in the format of clutter.yaml.
func ParseClutterRules(data []byte) ([]ClutterRule, error) {
	var f struct {
		Rules []ClutterRule `yaml:"rules"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("clutter rules: %w", err)
	}
	for i := range f.Rules {
		r := &f.Rules[i]
		re, err := regexp.Compile("(?i)" + r.Pattern)
		if err != nil {
			return nil, fmt.Errorf("clutter rule %q: %w", r.Name, err)
		}
		if r.Action != ActionDrop && r.Action != ActionDropList {
			return nil, fmt.Errorf("clutter rule %q: unknown action %q", r.Name, r.Action)
		}
		if r.MaxWords <= 0 {
			return nil, fmt.Errorf("clutter rule %q: max_words must be positive", r.Name)
		}
		r.re = re
	}
	return f.Rules, nil
}

// RemoveClutter returns paras without the paragraphs the rules match. A
// paragraph longer than a rule's MaxWords is never dropped by that rule, so
// a paragraph that carries facts survives a loose pattern.
func RemoveClutter(paras []string, rules []ClutterRule) []string {
	out := make([]string, 0, len(paras))
	for i := 0; i < len(paras); i++ {
		rule := matchClutter(paras[i], rules)
		if rule == nil {
			out = append(out, paras[i])
			continue
		}
		if rule.Action == ActionDropList {
			for i+1 < len(paras) && isHeadlineLike(paras[i+1]) && matchClutter(paras[i+1], rules) == nil {
				i++
			}
		}
	}
	return out
}

func matchClutter(para string, rules []ClutterRule) *ClutterRule {
	text := strings.Join(strings.Fields(para), " ")
	words := CountWords(text)
	for i := range rules {
		if words <= rules[i].MaxWords && rules[i].re.MatchString(text) {
			return &rules[i]
		}
	}
	return nil
}

// isHeadlineLike reports whether a paragraph reads as a headline rather than
// prose: one line, at most 40 words, not ending like a sentence in a period.
func isHeadlineLike(para string) bool {
	p := strings.TrimSpace(para)
	if p == "" || strings.Contains(p, "\n") || CountWords(p) > 40 {
		return false
	}
	return !strings.HasSuffix(p, ".")
}
