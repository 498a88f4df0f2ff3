package corpus

import (
	"slices"
	"testing"
)

func TestDeriveEntities(t *testing.T) {
	known := []Entity{
		{Name: "MIIT", Kind: Policy, Aliases: []string{"工信部"}},
		{Name: "Unitree", Kind: Company},
	}
	docs := []Document{
		{ID: "a.md", Body: "In 2024, the Ministry of Industry and Information Technology (MIIT) issued guidelines. " +
			"Beijing's Five-Year Plan (FYP) came first. China approved five Chimeric Antigen Receptor (CAR) T-cell therapies. " +
			"Unitree (宇树科技) and 深度求索 (DeepSeek) grew. The Unitree (工信部) line tries to steal an alias."},
		{ID: "b.md", Companies: []string{"SkyParcel", "Unitree"}, Body: "Nothing bracketed (here)."},
	}
	ents, derived := DeriveEntities(docs, known)
	byName := map[string]Entity{}
	for _, e := range ents {
		byName[e.Name] = e
	}
	tests := []struct {
		name    string
		kind    EntityKind
		aliases []string
	}{
		{"MIIT", Policy, []string{"工信部", "Ministry of Industry and Information Technology"}},
		{"Unitree", Company, []string{"宇树科技"}},
		{"Five-Year Plan", Policy, []string{"FYP"}},
		{"Chimeric Antigen Receptor", Sector, []string{"CAR"}},
		{"DeepSeek", Sector, []string{"深度求索"}},
		{"SkyParcel", Company, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := byName[tt.name]
			if !ok {
				t.Fatalf("no entity %q among %v", tt.name, ents)
			}
			if e.Kind != tt.kind || !slices.Equal(e.Aliases, tt.aliases) {
				t.Errorf("got %s %v, want %s %v", e.Kind, e.Aliases, tt.kind, tt.aliases)
			}
		})
	}
	if len(ents) != 6 {
		t.Errorf("got %d entities, want 6: %v", len(ents), ents)
	}
	if len(known[0].Aliases) != 1 {
		t.Errorf("the known entities were changed: %v", known[0].Aliases)
	}
	if len(derived) != 6 || !derived[0].New {
		t.Errorf("derived: got %v, want the 4 new entities first, then the 2 with added aliases", derived)
	}
}
