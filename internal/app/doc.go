// Package app wires shardstorm's parts into one run — backend (embedded emulator or AWS),
// producer, workload, metrics, CloudWatch — for the dashboard and headless runs alike. It is the
// only package that imports tui, emulator, producer and workload together (DESIGN.md: imports
// flow one way, toward it; internal/cli calls it). internal/archtest holds that rule.
//
// Its knob table (knobs.go, RunKnobs) defines every setting of a run once: internal/cli makes
// flags, config-file keys and SHARDSTORM_* variables of it, and the Settings view's rows
// (settings.go) are its live knobs, parsed by the same code. The control API (control_api.go,
// served at /control beside /metrics) changes a running run through those same knobs.
package app
