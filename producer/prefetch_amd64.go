package producer

// prefetchRecord asks the CPU to bring the memory of the userRecord at addr into its caches,
// without waiting for it (see prefetch.go).
//
//go:noescape
func prefetchRecord(addr uintptr)
