package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shardstorm/shardstorm/tui"
	"github.com/shardstorm/shardstorm/workload"
)

// hotFraction is a knob of the Settings view only: the share of the hot key, a part of keys
// that the dashboard adjusts alone.
var hotFraction = Knob{Name: "hot-fraction", Kind: KindFloat, Help: "share of records on the hot key, 0..1", Dashboard: true,
	live: &liveKnob{
		get: func(r *Run) string {
			if k, err := workload.ParseKeys(r.gen.Stats().Keys); err == nil && k.Kind == workload.KeysHot {
				return strconv.FormatFloat(k.Fraction, 'g', 3, 64)
			}
			return "-"
		},
		set: func(r *Run, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				return fmt.Errorf("want a number in [0, 1]")
			}
			return r.gen.SetHotFraction(f)
		},
	}}

// Settings lists every live knob with its value, in the knob table's order.
func (r *Run) Settings() []tui.Setting {
	var out []tui.Setting
	for _, k := range knobs {
		if k.live == nil {
			continue
		}
		v := k.live.get(r)
		if k.Kind == KindBool {
			if b, err := parseBool(v); err == nil {
				v = onOff(b)
			}
		}
		out = append(out, tui.Setting{Name: k.Name, Value: v, Help: strings.ReplaceAll(k.Help, "`", "")})
	}
	return out
}

// Set changes one live knob; the error (a *SettingError) names it and the value refused.
// The Settings view and the control API both change the run through it.
func (r *Run) Set(name, value string) error {
	value = strings.TrimSpace(value)
	for _, k := range knobs {
		if k.Name == name && k.live != nil {
			if err := k.live.set(r, value); err != nil {
				return &SettingError{Name: name, Value: value, Err: err}
			}
			return nil
		}
	}
	return fmt.Errorf("no setting %q", name)
}

// SettingError is a live knob's refusal of a value: Err is the reason in the knob's words
// (what the Settings view shows after the name and the value).
type SettingError struct {
	Name, Value string
	Err         error
}

func (e *SettingError) Error() string { return fmt.Sprintf("%s %q: %v", e.Name, e.Value, e.Err) }
func (e *SettingError) Unwrap() error { return e.Err }
