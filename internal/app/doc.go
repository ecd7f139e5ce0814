// Package app wires shardstorm's parts into one run — backend (embedded emulator or AWS),
// producer, workload, metrics, CloudWatch — for the dashboard and headless runs alike. It is the
// only package that imports them all (DESIGN.md: imports flow one way, toward it).
package app
