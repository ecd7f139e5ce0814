package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// The control API (k6's REST API and `k6 scale` for shardstorm): a headless run or a fleet's
// agents change rate, partition keys, RateLimit and pause from outside, over HTTP beside
// /metrics. GET /control reads the settings; PATCH (or POST) /control with a JSON object of
// the fields to change applies them and answers the settings after. A refusal is 400 (a bad
// value, in the Settings view's words) or 409 (a control the run cannot take), with a JSON body
// naming the field. Every change and refusal goes to the run's event log with its source.

// ControlState is what GET /control answers, and PATCH /control after a change.
type ControlState struct {
	// Rate is the target in records/s the workload's schedule asks for now (0 while paused);
	// Shape is the schedule in compact form ("6000", "ramp:1000-5000:30s").
	Rate  float64 `json:"rate"`
	Shape string  `json:"shape"`
	Keys  string  `json:"keys"`
	// RateLimit is the producer's RateLimit in percent; null when the producer has none
	// (a fleet of simple clients), NotControllable then says why.
	RateLimit *float64 `json:"rate_limit"`
	Paused    bool     `json:"paused"`
	Producer  string   `json:"producer"`
	// Load is "running", "paused" or "ended" (the duration is over or the run is stopping).
	Load            string            `json:"load"`
	NotControllable map[string]string `json:"not_controllable,omitempty"`
}

// ControlState reads the run's controllable settings.
func (r *Run) ControlState() ControlState {
	st := r.gen.Stats()
	s := ControlState{Rate: st.TargetRate, Shape: st.Shape, Keys: st.Keys, Paused: st.Paused,
		Producer: describeProducer(r.opts), Load: "running"}
	if t, err := r.tunable(); err == nil {
		rl := t.Config().RateLimit
		s.RateLimit = &rl
	} else {
		s.NotControllable = map[string]string{"rate_limit": err.Error()}
	}
	switch {
	case r.loadEnded():
		s.Load = "ended"
	case st.Paused:
		s.Load = "paused"
	}
	return s
}

// maxControlBody bounds a change's body: a few fields, never megabytes.
const maxControlBody = 64 << 10

// ControlHandler serves the control API at /control. notify, if not nil, also gets each line
// the event log gets (a headless run prints them beside its progress lines).
func (r *Run) ControlHandler(notify func(line string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch req.Method {
		case http.MethodGet, http.MethodHead:
			writeJSON(w, http.StatusOK, r.ControlState())
		case http.MethodPatch, http.MethodPost:
			r.serveChange(w, req, notify)
		default:
			w.Header().Set("Allow", "GET, PATCH, POST")
			writeJSON(w, http.StatusMethodNotAllowed, controlErrorBody(&ControlError{
				Reason: fmt.Sprintf("method %s: want GET to read the settings, PATCH or POST with a JSON object to change them", req.Method)}))
		}
	})
}

// serveChange checks the whole change, then applies it.
func (r *Run) serveChange(w http.ResponseWriter, req *http.Request, notify func(string)) {
	source := "control API from " + req.RemoteAddr
	r.controlMu.Lock()
	defer r.controlMu.Unlock()
	note := func(level Level, line string) {
		r.events.Addf(level, "%s", line)
		if notify != nil {
			notify(line)
		}
	}
	err := r.change(source, req.Body, note)
	if err != nil {
		note(Warn, fmt.Sprintf("%s: refused %v", source, err))
		ce := new(ControlError)
		if !errors.As(err, &ce) {
			ce = &ControlError{Reason: err.Error()}
		}
		status := http.StatusBadRequest
		if ce.Conflict {
			status = http.StatusConflict
		}
		writeJSON(w, status, controlErrorBody(ce))
		return
	}
	writeJSON(w, http.StatusOK, r.ControlState())
}

// change reads a JSON object from body, checks every field and applies them.
func (r *Run) change(source string, body io.Reader, note controlNote) error {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(io.LimitReader(body, maxControlBody))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return &ControlError{Reason: `the body: want a JSON object such as {"rate": 5000}`}
	}
	values, err := parseChange(fields)
	if err != nil {
		return err
	}
	if err := r.checkChange(values); err != nil {
		return err
	}
	return r.applyChange(source, values, note)
}

// controlErrorBody is a refusal as JSON: "error" the whole sentence, and its parts.
func controlErrorBody(ce *ControlError) map[string]any {
	body := map[string]any{"error": ce.Error(), "reason": ce.Reason}
	if ce.Field != "" {
		body["field"] = ce.Field
	}
	if ce.Value != "" {
		body["value"] = ce.Value
	}
	if len(ce.Applied) > 0 {
		body["applied"] = ce.Applied
	}
	return body
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error": `+strconv.Quote(err.Error())+`}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
