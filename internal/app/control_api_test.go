package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// The control API's handler against a whole run in a bubble (the embedded emulator in
// process): the requests are what curl would send, the answers what it would print.

const controlClient = "127.0.0.1:5555"

// control sends one request to the run's control API and decodes the JSON answer.
func control(t *testing.T, r *Run, method, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, "/control", strings.NewReader(body))
	req.RemoteAddr = controlClient
	rec := httptest.NewRecorder()
	r.ControlHandler(nil).ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, body, ct)
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: answer %q is not JSON: %v", method, body, rec.Body.String(), err)
	}
	return rec.Code, out
}

func startControlRun(t *testing.T, eng EngineOptions, d time.Duration) *Run {
	t.Helper()
	spec := DefaultWorkload()
	spec.Rate, spec.Duration = 2000, d
	r, err := Start(context.Background(), Options{Workload: spec, Shards: 2, Engine: eng, InProcess: true, NoCloudWatch: true,
		SampleInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func stopRun(t *testing.T, r *Run) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := r.Stop(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// controlEvents are the event log's lines from the control API.
func controlEvents(r *Run) []Event {
	var out []Event
	for _, e := range r.events.Events() {
		if strings.HasPrefix(e.Text, "control API from "+controlClient+": ") {
			out = append(out, e)
		}
	}
	return out
}

// GET reads the settings; PATCH changes rate, keys, RateLimit and pause at once, answers the
// settings after, and each change is a line of the event log naming where it came from.
func TestControlAPIChangesTheRunAndLogsEachChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := startControlRun(t, EngineOptions{}, 0)
		defer stopRun(t, r)

		code, got := control(t, r, http.MethodGet, "")
		if code != 200 || got["rate"] != 2000.0 || got["rate_limit"] != 150.0 || got["paused"] != false || got["load"] != "running" ||
			got["keys"] != r.gen.Stats().Keys || got["producer"] != "shardstorm" {
			t.Fatalf("GET /control: %d %v", code, got)
		}

		code, got = control(t, r, http.MethodPatch, `{"rate": 5000, "keys": "pool:100", "rate_limit": 120, "paused": true}`)
		if code != 200 || got["keys"] != "pool:100" || got["rate_limit"] != 120.0 || got["paused"] != true || got["load"] != "paused" {
			t.Fatalf("PATCH /control: %d %v", code, got)
		}
		if st := r.gen.Stats(); st.Keys != "pool:100" || !st.Paused || r.eng.(tunable).Config().RateLimit != 120 {
			t.Fatalf("the run after PATCH: keys %q, paused %v, RateLimit %v", st.Keys, st.Paused, r.eng.(tunable).Config().RateLimit)
		}
		// POST does the same (k6's and curl users' habit); resuming shows the new rate.
		if code, got = control(t, r, http.MethodPost, `{"paused": false}`); code != 200 || got["rate"] != 5000.0 || got["load"] != "running" {
			t.Fatalf("POST resume: %d %v", code, got)
		}

		var lines []string
		for _, e := range controlEvents(r) {
			if e.Level != Info {
				t.Errorf("a change logged at %s: %s", e.Level, e.Text)
			}
			lines = append(lines, strings.TrimPrefix(e.Text, "control API from "+controlClient+": "))
		}
		want := []string{"rate-limit 150 → 120", "keys hot:0.3 → pool:100", "rate 2000 → 5000", "paused the load", "resumed the load"}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Errorf("event log of the control API:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
	})
}

// A bad value is refused with 400 naming the field, in the Settings view's words, and nothing
// of the change applies (the other fields were good); each refusal is a warning in the event
// log with its source.
func TestControlAPIRefusesBadValuesAsTheSettingsViewDoes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := startControlRun(t, EngineOptions{}, 0)
		defer stopRun(t, r)
		settingsWords := func(name, value string) string {
			se := new(SettingError)
			if err := r.Set(name, value); !errors.As(err, &se) {
				t.Fatalf("Set(%s, %s) = %v, want a refusal", name, value, err)
			}
			return se.Err.Error()
		}
		for _, tc := range []struct {
			body, field, reason string
		}{
			{`{"rate": 0, "keys": "pool:100"}`, "rate", settingsWords("rate", "0")},
			{`{"rate": 5000, "keys": "nope"}`, "keys", settingsWords("keys", "nope")},
			{`{"rate": 5000, "rate_limit": "abc"}`, "rate_limit", settingsWords("rate-limit", "abc")},
			{`{"rate": 5000, "rate_limit": -5}`, "rate_limit", settingsWords("rate-limit", "-5")},
			{`{"rate": 5000, "paused": "maybe"}`, "paused", "want on or off (true or false)"},
			{`{"rate": 5000, "ratez": 1}`, "ratez", "unknown field; want rate, keys, rate_limit or paused"},
			{`{"rate": [1]}`, "rate", "want a number, a string or true/false"},
		} {
			code, got := control(t, r, http.MethodPatch, tc.body)
			if code != 400 || got["field"] != tc.field || got["reason"] != tc.reason || !strings.Contains(got["error"].(string), tc.field) {
				t.Errorf("PATCH %s: %d %v; want 400 naming %s: %s", tc.body, code, got, tc.field, tc.reason)
			}
		}
		if code, got := control(t, r, http.MethodPatch, `rate=5000`); code != 400 || !strings.Contains(got["error"].(string), "want a JSON object") {
			t.Errorf("a body that is not JSON: %d %v", code, got)
		}
		if st := r.gen.Stats(); st.TargetRate != 2000 || st.Keys != "hot:0.3" || st.Paused {
			t.Errorf("refused changes changed the run: rate %v, keys %q, paused %v", st.TargetRate, st.Keys, st.Paused)
		}
		// A refusal only the running producer makes (RateLimit beyond 10000 %: Config.Validate)
		// comes after the check, still naming the field: the fields before it are said applied.
		code, got := control(t, r, http.MethodPatch, `{"rate_limit": 20000}`)
		if code != 400 || got["field"] != "rate_limit" || !strings.Contains(got["reason"].(string), "outside 1..10000%") {
			t.Errorf("rate_limit 20000: %d %v", code, got)
		}
		warnings := 0
		for _, e := range controlEvents(r) {
			if e.Level != Warn || !strings.Contains(e.Text, ": refused ") {
				t.Errorf("event %s %q: want a refusal warning", e.Level, e.Text)
			}
			warnings++
		}
		if warnings != 9 {
			t.Errorf("%d refusals in the event log, want 9", warnings)
		}
		if code, got := control(t, r, http.MethodDelete, ""); code != 405 || !strings.Contains(got["error"].(string), "want GET") {
			t.Errorf("DELETE: %d %v", code, got)
		}
	})
}

// A fleet of simple clients has no RateLimit: 409 naming the producer (the words the dashboard
// logs for [ and ]), while its rate still changes; GET says why rate_limit is null.
func TestControlAPIRefusesEngineControlsOfAFleet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := startControlRun(t, EngineOptions{Profile: ProfilePutRecords}, 0)
		defer stopRun(t, r)
		_, engineWords := r.AdjustRateLimit(10)
		code, got := control(t, r, http.MethodPatch, `{"rate_limit": 120, "rate": 3000}`)
		if code != 409 || got["field"] != "rate_limit" || got["reason"] != engineWords.Error() ||
			!strings.Contains(got["reason"].(string), "not for --producer putrecords") {
			t.Fatalf("rate_limit on a fleet: %d %v", code, got)
		}
		if r.gen.Stats().TargetRate != 2000 {
			t.Errorf("the refused change set the rate to %v", r.gen.Stats().TargetRate)
		}
		if code, got = control(t, r, http.MethodPatch, `{"rate": 3000}`); code != 200 || got["rate"] != 3000.0 {
			t.Errorf("rate on a fleet: %d %v", code, got)
		}
		code, got = control(t, r, http.MethodGet, "")
		nc, _ := got["not_controllable"].(map[string]any)
		if code != 200 || got["rate_limit"] != nil || nc == nil || !strings.Contains(nc["rate_limit"].(string), "not for --producer putrecords") {
			t.Errorf("GET on a fleet: %d %v", code, got)
		}
	})
}

// Once the load has ended (its --duration) there is nothing to control: 409, and GET says
// "ended".
func TestControlAPIAfterTheLoadEnded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := startControlRun(t, EngineOptions{}, 2*time.Second)
		defer stopRun(t, r)
		<-r.Done()
		code, got := control(t, r, http.MethodPatch, `{"rate": 3000}`)
		if code != 409 || !strings.Contains(got["error"].(string), "the load has ended") {
			t.Errorf("PATCH after the load: %d %v", code, got)
		}
		if _, got = control(t, r, http.MethodGet, ""); got["load"] != "ended" {
			t.Errorf("GET after the load: %v", got)
		}
	})
}
