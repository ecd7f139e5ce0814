// Package archtest holds the module's import rules as a test (imports_test.go): which package
// may import which, read from `go list`. It has no code of its own; DESIGN.md and each
// package's doc comment state the same rules in words.
package archtest
