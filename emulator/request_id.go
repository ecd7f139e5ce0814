package emulator

import (
	"fmt"
	"math/rand/v2"
	"net/http"
)

// requestIDHeader carries the id AWS gives every response; SDKs report it with each call and
// error (an empty id reads as a broken service), and awsQuery bodies repeat it.
const requestIDHeader = "X-Amzn-Requestid"

// setRequestID gives the response a fresh request id in AWS's format (a random UUID).
func setRequestID(w http.ResponseWriter) {
	a, b := rand.Uint64(), rand.Uint64()
	a = a&^(0xf<<12) | 4<<12   // version 4
	b = b&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	w.Header().Set(requestIDHeader, fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0xffff, b>>48, b&0xffffffffffff))
}
