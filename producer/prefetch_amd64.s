#include "textflag.h"

// func prefetchRecord(addr uintptr)
// Prefetches the four cache lines a 160-byte userRecord at addr may span (PREFETCHT0: into every
// level, in the exclusive state when no other core holds the line, so the write that follows
// needs no further bus transaction).
TEXT ·prefetchRecord(SB), NOSPLIT, $0-8
	MOVQ addr+0(FP), AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	PREFETCHT0 128(AX)
	PREFETCHT0 159(AX)
	RET
