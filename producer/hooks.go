package producer

// Hook is any value implementing one or more of the hook interfaces below. Config.Hooks lists
// them; New picks, by type assertion, the ones each implements, so a hook pays only for what it
// observes (as franz-go's hooks do).
type Hook any

// RecordRoutedHook observes every record Put accepts, with the shard the current shard map routes
// it to and its size (data + partition key). It runs on the caller's goroutine, inside Put, for
// every record: it must be cheap and safe for concurrent use. A dashboard uses it to explain a
// hot shard by its keys.
type RecordRoutedHook interface {
	OnRecordRouted(shardID, partitionKey string, bytes int)
}

// isHook reports whether h implements at least one hook interface. Validate refuses a value
// that implements none: it would be silently ignored, almost certainly a mistake (a method
// misspelt, a pointer receiver given a value), as franz-go's kgo refuses such hooks.
func isHook(h Hook) bool {
	_, routed := h.(RecordRoutedHook)
	return routed
}

// hooks are the hooks of a producer, sorted by interface.
type hooks struct {
	routed []RecordRoutedHook
}

func newHooks(hs []Hook) hooks {
	var h hooks
	for _, x := range hs {
		if r, ok := x.(RecordRoutedHook); ok {
			h.routed = append(h.routed, r)
		}
	}
	return h
}
