// Package app wires shardstorm's parts into one run — backend (embedded emulator or AWS),
// producer, workload, metrics, CloudWatch — for the dashboard and headless runs alike. It is the
// only package that imports tui, emulator, producer and workload together (DESIGN.md: imports
// flow one way, toward it; internal/cli calls it). internal/archtest holds that rule.
package app
