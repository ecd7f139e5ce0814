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
