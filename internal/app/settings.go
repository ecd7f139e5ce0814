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

// Set changes one live knob; the error names it and the value refused.
func (r *Run) Set(name, value string) error {
	value = strings.TrimSpace(value)
	for _, k := range knobs {
		if k.Name == name && k.live != nil {
			if err := k.live.set(r, value); err != nil {
				return fmt.Errorf("%s %q: %w", name, value, err)
			}
			return nil
		}
	}
	return fmt.Errorf("no setting %q", name)
}
