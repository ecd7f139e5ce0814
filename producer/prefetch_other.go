//go:build !amd64

package producer

// prefetchRecord does nothing where the producer has no prefetch instruction (see prefetch.go).
func prefetchRecord(addr uintptr) {}
