package app

import (
	"slices"
	"strings"
	"testing"
)

// The Settings view's rows are the table's live knobs, in the order the dashboard has always
// shown them; every one but hot-fraction is also a flag.
func TestLiveKnobsAreTheSettingsView(t *testing.T) {
	var live []string
	for _, k := range knobs {
		if k.Live() {
			live = append(live, k.Name)
			if _, flag := FindKnob(k.Name); !flag && k.Name != "hot-fraction" {
				t.Errorf("live knob %s is no flag", k.Name)
			}
		}
	}
	want := []string{"rate", "keys", "hot-fraction", "record-size", "rate-limit", "aggregation", "adaptive", "max-connections",
		"record-max-buffered-time", "fail-if-throttled"}
	if !slices.Equal(live, want) {
		t.Fatalf("live knobs %v, want %v", live, want)
	}
}

// A knob's value round-trips through its text, and a bad value is refused without naming the
// knob twice (the caller names it).
func TestKnobsRoundTripTheirDefaults(t *testing.T) {
	names := map[string]bool{}
	for _, k := range RunKnobs() {
		if names[k.Name] {
			t.Errorf("knob %s defined twice", k.Name)
		}
		names[k.Name] = true
		s := DefaultRunSettings()
		def := k.Get(s)
		if def == "" {
			continue // unset by default (a file, an address): nothing to read back
		}
		if err := k.Set(s, def); err != nil || k.Get(s) != def {
			t.Errorf("%s: Set(%q) = %v, then Get = %q", k.Name, def, err, k.Get(s))
		}
	}
	for name, bad := range map[string]string{"shards": "lots", "rate-limit": "much", "aggregation": "maybe", "record-ttl": "soon", "max-throttled": "200%"} {
		k, _ := FindKnob(name)
		if err := k.Set(DefaultRunSettings(), bad); err == nil || strings.Contains(err.Error(), name) {
			t.Errorf("%s %q: %v, want an error about the value only", name, bad, err)
		}
	}
	s := DefaultRunSettings()
	agg, _ := FindKnob("aggregation")
	if err := agg.Set(s, "off"); err != nil || !s.Options.Producer.DisableAggregation || agg.Get(s) != "false" {
		t.Errorf("aggregation off: %v, DisableAggregation %v, shown %q", err, s.Options.Producer.DisableAggregation, agg.Get(s))
	}
}
