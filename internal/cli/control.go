package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/shardstorm/shardstorm/internal/app"
)

// newControlCommand is `shardstorm control ADDR [--rate R] [--keys K] [--rate-limit P]
// [--pause|--resume]`: the control API of a running `shardstorm run --metrics-addr ADDR` from
// the command line (curl does the same). The values go to the run as given: the run checks
// them, as its flags and Settings view do, so the rules exist once.
func newControlCommand() *cobra.Command {
	var pause, resume bool
	cmd := &cobra.Command{
		Use:   "control ADDR",
		Short: "change a running run's rate, keys, RateLimit or pause through its --metrics-addr (no flags: show them)",
		Long: `Changes a running ` + "`shardstorm run --metrics-addr ADDR`" + ` through its control API (PATCH
http://ADDR/control), or with no change shows its settings (GET). The run checks each value as
its flags and Settings view do, logs the change in its event log and, headless, among its
progress lines. Exit codes: 0 applied, 1 the run cannot take it (409) or could not be reached,
2 a bad value (named).`,
		Example: "  shardstorm control 127.0.0.1:9464 --rate 5000 --keys pool:100\n  shardstorm control 127.0.0.1:9464 --pause",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("want one ADDR, the run's --metrics-addr (e.g. 127.0.0.1:9464)")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if pause && resume {
				return usageError{errors.New("--pause and --resume: choose one")}
			}
			change := map[string]any{}
			for _, f := range []struct{ flag, field string }{{"rate", "rate"}, {"keys", "keys"}, {"rate-limit", "rate_limit"}} {
				if fl := cmd.Flags().Lookup(f.flag); fl.Changed {
					change[f.field] = fl.Value.String()
				}
			}
			if pause || resume {
				change["paused"] = pause
			}
			return control(cmd.OutOrStdout(), controlURL(args[0]), change)
		},
	}
	fs := cmd.Flags()
	fs.String("rate", "", "the target `RECORDS/S` (as run --rate)")
	fs.String("keys", "", "the partition-key `STRATEGY` (as run --keys)")
	fs.String("rate-limit", "", "the producer's RateLimit, `PERCENT` of each shard's limits (as run --rate-limit)")
	fs.BoolVar(&pause, "pause", false, "pause the load")
	fs.BoolVar(&resume, "resume", false, "resume the load")
	return cmd
}

// controlURL is the control API of a run's --metrics-addr (an address or a URL).
func controlURL(addr string) string {
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	return strings.TrimSuffix(strings.TrimSuffix(addr, "/"), "/control") + "/control"
}

// controlFlags names the control API's fields as the command's flags, for its errors.
var controlFlags = map[string]string{"rate": "--rate", "keys": "--keys", "rate_limit": "--rate-limit", "paused": "--pause/--resume"}

// control sends the change (none: a read) and prints the settings the run answers.
func control(w io.Writer, url string, change map[string]any) error {
	method, body := http.MethodGet, []byte(nil)
	if len(change) > 0 {
		b, err := json.Marshal(change)
		if err != nil {
			return err
		}
		method, body = http.MethodPatch, b
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return usageError{fmt.Errorf("ADDR: %w", err)}
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w (is a run serving --metrics-addr there?)", url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		var refusal struct{ Error, Field, Value, Reason string }
		if json.Unmarshal(raw, &refusal) != nil || refusal.Error == "" {
			return fmt.Errorf("%s: %s: %s", url, resp.Status, strings.TrimSpace(string(raw)))
		}
		msg := refusal.Error
		if flag, ok := controlFlags[refusal.Field]; ok {
			msg = strings.TrimSpace(flag + " " + refusal.Value + ": " + refusal.Reason)
		}
		if resp.StatusCode == http.StatusBadRequest {
			return usageError{errors.New(msg)}
		}
		return errors.New(msg)
	}
	var s app.ControlState
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("%s: not a shardstorm control API: %w", url, err)
	}
	rateLimit := "— (" + s.NotControllable["rate_limit"] + ")"
	if s.RateLimit != nil {
		rateLimit = app.Figure(*s.RateLimit) + "%"
	}
	rate := app.Figure(s.Rate) + "/s"
	if s.Paused {
		rate = "paused" // the schedule asks for nothing; its shape says what resuming brings
	}
	fmt.Fprintf(w, "rate        %s (%s)\nkeys        %s\nrate-limit  %s\nload        %s (producer %s)\n",
		rate, s.Shape, s.Keys, rateLimit, s.Load, s.Producer)
	return nil
}
