// Package tui is shardstorm's live dashboard: a Bubble Tea program that reads a run through
// Source (the sampled metrics, hot keys, CloudWatch, events, findings) and changes it through
// Controls (the keys).
//
// Shape (after gh-dash and soft-serve): one root Model owns the header, the tabs, the status
// and hint lines and one component per view (overview, shards, cloudwatch, findings,
// settings), each with Update, View and SetSize. The figures are pulled from the Source on a
// frame tick into the components (refresh), never inside View, so View is cheap and a frozen
// display is simply one that stops refreshing. Every Controls call runs in a tea.Cmd and comes
// back as a typed message, so a slow control never blocks the screen.
//
// It reads metrics, metrics/cloudwatch and advisor, and imports none of emulator, producer and
// workload: internal/app adapts them to Source and Controls (internal/archtest holds that rule).
package tui
