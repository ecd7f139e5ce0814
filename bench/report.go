package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Report is a whole run: where and how it ran, every cell, and the targets' verdicts. It is
// written as JSON and rendered as Markdown.
type Report struct {
	Machine          Machine      `json:"machine"`
	Command          string       `json:"command"`
	Started          time.Time    `json:"started"`
	WallSeconds      float64      `json:"wall_seconds"`
	LoadAverageStart string       `json:"load_average_start,omitempty"`
	LoadAverageEnd   string       `json:"load_average_end,omitempty"`
	Settings         Settings     `json:"settings"`
	Cells            []CellResult `json:"cells"`
	Targets          []Target     `json:"targets"`
}

// Settings are the run's options, as recorded.
type Settings struct {
	Cells           string  `json:"cells"`
	DurationSeconds float64 `json:"duration_seconds"`
	DrainSeconds    float64 `json:"drain_seconds"`
	WarmupSeconds   float64 `json:"warmup_seconds"`
	Shards          int     `json:"shards"`
	Workers         int     `json:"workers"`
	Queue           int     `json:"queue"`
	Seed            uint64  `json:"seed"`
}

func settingsOf(o options) Settings {
	cells := o.CellSpec
	if cells == "" {
		cells = "all"
	}
	return Settings{Cells: cells, DurationSeconds: o.Duration.Seconds(), DrainSeconds: o.Drain.Seconds(),
		WarmupSeconds: o.Warmup.Seconds(), Shards: o.Shards, Workers: o.Workers, Queue: o.Queue, Seed: o.Seed}
}

// writeFiles writes base.json and base.md, creating the directory.
func writeFiles(base string, r Report) error {
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return fmt.Errorf("results directory: %w", err)
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".json", append(js, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(base+".md", []byte(renderMarkdown(r)), 0o644)
}

// rerender writes X.md from X.json: the Markdown of recorded results, after a change to how
// they are presented, without running the matrix again. It returns the Markdown's path.
func rerender(jsonPath string) (string, error) {
	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		return "", err
	}
	var r Report
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", fmt.Errorf("%s: %w", jsonPath, err)
	}
	if len(r.Cells) == 0 {
		return "", fmt.Errorf("%s: no cells: not a bench results file", jsonPath)
	}
	md := strings.TrimSuffix(jsonPath, ".json") + ".md"
	return md, os.WriteFile(md, []byte(renderMarkdown(r)), 0o644)
}
