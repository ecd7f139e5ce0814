package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A change asked through the control API: the fields of PATCH /control, checked and applied
// through the same knobs as the flags and the Settings view (Knob.Set, Run.Set), so a value is
// refused with the same words wherever it comes from.

// controlField is one field of the control API: its JSON name and the live knob it sets
// ("" for paused, which is the dashboard's space key, not a knob); engine marks a knob of
// shardstorm's engine, which a fleet of simple clients has not.
type controlField struct {
	json, knob string
	engine     bool
}

// controlFields are the fields PATCH /control takes, in the order a change applies them: the
// producer's RateLimit first (the one a fleet refuses), the pause last, so a run is never
// resumed with settings that were then refused.
var controlFields = []controlField{{"rate_limit", "rate-limit", true}, {"keys", "keys", false}, {"rate", "rate", false}, {"paused", "", false}}

// controlFieldNames lists the fields for an error: "rate, keys, rate_limit or paused".
const controlFieldNames = "rate, keys, rate_limit or paused"

// ControlError is the control API's refusal of a change: the field and value refused, the
// reason in the words of the Settings view, and the fields applied before it (a change checks
// every field before applying any, so only a refusal that needs the running producer leaves
// some applied).
type ControlError struct {
	Field   string   `json:"field,omitempty"`
	Value   string   `json:"value,omitempty"`
	Reason  string   `json:"reason"`
	Applied []string `json:"applied,omitempty"`
	// Conflict marks a control the run cannot take at all (a fleet's RateLimit, a load that
	// has ended): HTTP 409, not 400.
	Conflict bool `json:"-"`
}

func (e *ControlError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	if e.Value == "" {
		return e.Field + ": " + e.Reason
	}
	return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Reason)
}

// controlValue is one field of a change, as text the knob parses.
type controlValue struct {
	field controlField
	text  string
}

// parseChange reads a change's JSON object into its fields' texts, in controlFields order.
// Numbers keep their literal text and strings their content, so the knob parses either.
func parseChange(body map[string]json.RawMessage) ([]controlValue, error) {
	for name := range body {
		if !knownControlField(name) {
			return nil, &ControlError{Field: name, Reason: "unknown field; want " + controlFieldNames}
		}
	}
	var out []controlValue
	for _, f := range controlFields {
		raw, ok := body[f.json]
		if !ok {
			continue
		}
		text, err := rawText(raw)
		if err != nil {
			return nil, &ControlError{Field: f.json, Value: strings.TrimSpace(string(raw)), Reason: err.Error()}
		}
		out = append(out, controlValue{f, text})
	}
	return out, nil
}

func knownControlField(name string) bool {
	for _, f := range controlFields {
		if f.json == name {
			return true
		}
	}
	return false
}

// rawText is a JSON scalar as the text a knob parses: a string's content, a number's or a
// boolean's literal.
func rawText(raw json.RawMessage) (string, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("want a number, a string or true/false")
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", fmt.Errorf("want a number, a string or true/false")
}

// checkChange refuses a change before any of it applies: each value through its knob's parse
// and range checks (Knob.Set on scratch settings, as a flag or a config file is checked), then
// whether the run can take the control at all.
func (r *Run) checkChange(values []controlValue) error {
	if r.loadEnded() {
		return &ControlError{Reason: "the load has ended (the run is draining or finished): nothing to control", Conflict: true}
	}
	scratch := DefaultRunSettings()
	for _, v := range values {
		if v.field.knob == "" {
			if _, err := parseBool(v.text); err != nil {
				return &ControlError{Field: v.field.json, Value: v.text, Reason: err.Error()}
			}
			continue
		}
		k, ok := FindKnob(v.field.knob)
		if !ok || !k.Live() {
			return fmt.Errorf("control API: no live knob %q", v.field.knob) // a defect of controlFields
		}
		if err := k.Set(scratch, v.text); err != nil {
			return &ControlError{Field: v.field.json, Value: v.text, Reason: err.Error()}
		}
		if v.field.engine {
			if _, err := r.tunable(); err != nil {
				return &ControlError{Field: v.field.json, Value: v.text, Reason: err.Error(), Conflict: true}
			}
		}
	}
	return nil
}

// applyChange applies the checked values in order, noting each (see controlNote) with its
// source; it stops at the first refusal (one only the running producer can make, such as a
// RateLimit under the adaptive floor) and says which fields were applied before it.
func (r *Run) applyChange(source string, values []controlValue, note controlNote) error {
	var applied []string
	for _, v := range values {
		if v.field.knob == "" {
			paused, _ := parseBool(v.text)
			switch changed := r.SetPaused(paused); {
			case changed && paused:
				note(Info, source+": paused the load")
			case changed:
				note(Info, source+": resumed the load")
			default:
				note(Info, source+": paused "+strconv.FormatBool(paused)+" (already)")
			}
			applied = append(applied, v.field.json)
			continue
		}
		before := r.liveValue(v.field.knob)
		if err := r.Set(v.field.knob, v.text); err != nil {
			ce := &ControlError{Field: v.field.json, Value: v.text, Reason: err.Error(), Applied: applied,
				Conflict: errors.Is(err, ErrNotThisProducer)}
			if se := new(SettingError); errors.As(err, &se) {
				ce.Reason = se.Err.Error()
			}
			return ce
		}
		note(Info, fmt.Sprintf("%s: %s %s → %s", source, v.field.knob, before, r.liveValue(v.field.knob)))
		applied = append(applied, v.field.json)
	}
	return nil
}

// controlNote records a line about a change: in the run's event log, and for a headless run
// beside its progress lines. Refusals are noted too: a fleet's operator reads there what an
// agent was asked and why it said no.
type controlNote func(level Level, line string)

// liveValue is a live knob's value as the Settings view shows it.
func (r *Run) liveValue(name string) string {
	for _, k := range knobs {
		if k.Name == name && k.live != nil {
			return k.live.get(r)
		}
	}
	return ""
}

// loadEnded reports whether the workload has ended (its --duration, or Stop): there is no load
// left to control.
func (r *Run) loadEnded() bool {
	select {
	case <-r.done:
		return true
	default:
		return r.stopping.Load()
	}
}
