// Package tui is shardstorm's live dashboard: a Bubble Tea program that reads a run through
// Source (the sampled metrics, hot keys, CloudWatch, events, findings) and changes it through
// the keys, which act on small optional interfaces (Pauser, RateScaler, … SettingsEditor) found
// by type assertion: a mode offers what it can, and only its keys are shown.
//
// Shape (after gh-dash and soft-serve): one root Model owns the header, the tabs, the status
// and hint lines and one component per view (overview, shards, cloudwatch, findings,
// settings), each with Update, View, SetSize and its own help.KeyMap. The figures are pulled
// from the Source on a frame tick into the components (refresh), never inside View, so View is
// cheap and a frozen display is simply one that stops refreshing. Every control runs in a
// tea.Cmd and comes back as a typed message, so a slow control never blocks the screen.
//
// It reads metrics, metrics/cloudwatch and advisor, and imports none of emulator, producer and
// workload: internal/app adapts them to Source and the controls (internal/archtest holds that
// rule).
package tui
