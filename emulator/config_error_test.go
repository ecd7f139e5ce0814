package emulator

import (
	"errors"
	"testing"
)

// New refuses every bad field at once, each a *ConfigError naming the field, so a command line
// can name its own flag; CheckConfig lists the same without building anything.
func TestConfigErrorsNameTheField(t *testing.T) {
	cfg := Config{Faults: Faults{InternalFailureRate: 5}, ReshardDelay: -1, Limits: Limits{MaxRequestBytes: 1 << 62}}
	_, err := New(cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "Limits.MaxRequestBytes" {
		t.Fatalf("New: %v, want a *ConfigError for Limits.MaxRequestBytes first", err)
	}
	var fields []string
	for _, ce := range CheckConfig(cfg) {
		fields = append(fields, ce.Field)
	}
	if want := []string{"Limits.MaxRequestBytes", "ReshardDelay", "Faults.InternalFailureRate"}; len(fields) != 3 ||
		fields[0] != want[0] || fields[1] != want[1] || fields[2] != want[2] {
		t.Errorf("CheckConfig fields %v, want %v", fields, want)
	}
	if err := (&Emulator{}).SetFaults(Faults{ServerErrorRate: -1}); !errors.As(err, &ce) || ce.Field != "Faults.ServerErrorRate" {
		t.Errorf("SetFaults: %v", err)
	}
	if err := (&Emulator{}).SetFaults(Faults{ResetRate: 1.5}); !errors.As(err, &ce) || ce.Field != "Faults.ResetRate" {
		t.Errorf("SetFaults ResetRate 1.5: %v", err)
	}
}
