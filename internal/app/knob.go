package app

import (
	"fmt"
	"strings"
)

// Knob is one setting, defined once: it is the flag --NAME of `shardstorm run` (and of `config
// print`, and for a few of `shardstorm watch`), the key NAME of a --config file, the variable SHARDSTORM_<NAME> (EnvName), a row of
// the dashboard's Settings view when it is live, and a line of `config print`. Its help is the
// flag's help; a `BACKQUOTED` word in it names the value.
type Knob struct {
	Name string
	Kind Kind
	Help string
	// Dashboard marks a knob of the Settings view only (no flag, key or variable).
	Dashboard bool
	// Watch marks a knob that is also a flag of `shardstorm watch` (the stream and the
	// backend); no config file or variable applies there.
	Watch bool

	get func(*RunSettings) string
	set func(*RunSettings, string) error
	// live, if set, reads and changes the knob on a running Run.
	live *liveKnob
	// configField is the producer Config field the knob sets, if any (KnobForConfigField).
	configField string
}

type liveKnob struct {
	get func(*Run) string
	set func(*Run, string) error
}

// Kind is a knob's type, as its help and its completion name it.
type Kind string

const (
	KindString   Kind = "string"
	KindInt      Kind = "int"
	KindFloat    Kind = "float"
	KindDuration Kind = "duration"
	KindBool     Kind = "bool" // a switch: --headless alone means true
	KindPercent  Kind = "percent"
	KindWorkload Kind = "form" // a workload field's compact form (workload.Fields)
)

// Get is the knob's value in s, as text that Set takes back.
func (k Knob) Get(s *RunSettings) string { return k.get(s) }

// Set parses value into s. The error describes the value; the caller names where it came from
// (a flag, a file's line, a variable).
func (k Knob) Set(s *RunSettings, value string) error {
	if k.set == nil {
		return fmt.Errorf("%s is a dashboard setting", k.Name)
	}
	return k.set(s, value)
}

// Live reports whether the knob can change while a run is going (the Settings view).
func (k Knob) Live() bool { return k.live != nil }

// EnvName is the environment variable of a knob: rate-limit → SHARDSTORM_RATE_LIMIT.
func EnvName(name string) string {
	return "SHARDSTORM_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// RunKnobs are the knobs of `shardstorm run`, in the order help and the Settings view list them.
func RunKnobs() []Knob {
	var out []Knob
	for _, k := range knobs {
		if !k.Dashboard {
			out = append(out, k)
		}
	}
	return out
}

// WatchKnobs are the knobs that are also flags of `shardstorm watch`.
func WatchKnobs() []Knob {
	var out []Knob
	for _, k := range knobs {
		if k.Watch {
			out = append(out, k)
		}
	}
	return out
}

// FindKnob returns the run knob named name.
func FindKnob(name string) (Knob, bool) {
	for _, k := range knobs {
		if k.Name == name && !k.Dashboard {
			return k, true
		}
	}
	return Knob{}, false
}

// knobFor builds the get and set of a knob from a pointer to its value in the settings.
func knobFor[T any](name string, kind Kind, help string, field func(*RunSettings) *T, parse func(string) (T, error), format func(T) string) Knob {
	return Knob{Name: name, Kind: kind, Help: help,
		get: func(s *RunSettings) string { return format(*field(s)) },
		set: func(s *RunSettings, v string) error {
			x, err := parse(v)
			if err != nil {
				return err
			}
			*field(s) = x
			return nil
		}}
}
