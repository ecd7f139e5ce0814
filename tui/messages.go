package tui

import "time"

// tickMsg is the frame tick: refresh the figures (unless frozen) and schedule the next one.
type tickMsg time.Time

// controlResultMsg is a control's outcome, logged and shown on the status line.
type controlResultMsg struct {
	action string // what the key asked for, e.g. "rate ×1.25"
	result string // what it did, e.g. "rate 1,250/s"
	err    error
	// paused is set by TogglePause's result, so the header follows at once.
	paused *bool
}

// confirmScaleMsg asks the user before UpdateShardCount: SplitHottest said it costs money, or
// the mode cannot split one shard. action is what the key asked for.
type confirmScaleMsg struct {
	action string
	target int
}

// settingsMsg carries SettingsEditor.Settings(), fetched off the UI goroutine.
type settingsMsg []Setting

// setResultMsg is SettingsEditor.Set's outcome for one knob of the Settings view.
type setResultMsg struct {
	name, value string
	err         error
}

// confirmMetricsMsg asks the user before EnableEnhancedMonitoring: question says what it turns
// on and what it costs.
type confirmMetricsMsg struct{ question string }
