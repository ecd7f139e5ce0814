package cli

import (
	"github.com/spf13/pflag"

	"github.com/shardstorm/shardstorm/internal/app"
)

// knobValue is a knob of the table (app.RunKnobs) as a pflag value setting s.
type knobValue struct {
	k app.Knob
	s *app.RunSettings
}

func (v knobValue) String() string     { return v.k.Get(v.s) }
func (v knobValue) Set(x string) error { return v.k.Set(v.s, x) }
func (v knobValue) Type() string       { return string(v.k.Kind) }

// addKnobFlags defines one flag per knob on fs, setting s.
func addKnobFlags(fs *pflag.FlagSet, s *app.RunSettings, knobs []app.Knob) {
	for _, k := range knobs {
		f := fs.VarPF(knobValue{k, s}, k.Name, "", k.Help)
		if k.Kind == app.KindBool {
			f.NoOptDefVal = "true" // --headless alone means --headless=true
		}
	}
}
