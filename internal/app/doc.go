// Package app wires shardstorm's parts into one run — backend (embedded emulator or AWS),
// producer, workload, metrics, CloudWatch — for the dashboard and headless runs alike. It is the
// only package that imports them all (DESIGN.md: imports flow one way, toward it).
//
// Its knob table (knobs.go, RunKnobs) defines every setting of a run once: internal/cli makes
// flags, config-file keys and SHARDSTORM_* variables of it, and the Settings view's rows
// (settings.go) are its live knobs, parsed by the same code.
package app
