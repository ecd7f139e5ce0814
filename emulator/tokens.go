package emulator

import (
	"encoding/base64"
	"encoding/json"
)

// Pagination tokens and shard iterators are opaque to clients; ours are base64 JSON so they
// carry their own state and the emulator keeps none per client.

func encodeToken(v any) string {
	buf, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(buf)
}

func decodeToken[T any](s string) (T, bool) {
	var v T
	buf, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return v, false
	}
	return v, json.Unmarshal(buf, &v) == nil
}

// pageLimit reads an optional page size (Limit, MaxResults): def when absent, else it must lie
// in [1, max].
func pageLimit(v *int, field string, def, max int) (int, *apiError) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || *v > max {
		return 0, errValidation("Value '%d' at '%s' failed to satisfy constraint: Member must have value between 1 and %d", *v, field, max)
	}
	return *v, nil
}
