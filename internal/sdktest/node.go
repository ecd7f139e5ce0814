package sdktest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// NodeInstall installs the npm packages the conformance tests drive where NodeModules looks
// (.ci/run does this).
const NodeInstall = "npm install --prefix .ci/node --no-audit --no-fund @aws-sdk/client-kinesis@3.1143.0 @aws-sdk/client-cloudwatch@3.1178.0 aws-kinesis-agg@4.2.8"

// NodeModules returns the repository's .ci/node/node_modules, checking that node runs and that
// each of pkgs is installed there. Under CI (CI=true) anything missing fails the test — .ci/run
// installs it — elsewhere it skips.
func NodeModules(t testing.TB, pkgs ...string) string {
	t.Helper()
	missing := func(why string) string {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: .ci/run installs it (%s)", why, NodeInstall)
		}
		t.Skipf("%s (install: %s)", why, NodeInstall)
		return ""
	}
	if _, err := exec.LookPath("node"); err != nil {
		return missing("no node on PATH")
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
	modules := filepath.Join(dir, ".ci", "node", "node_modules")
	for _, pkg := range pkgs {
		if _, err := os.Stat(filepath.Join(modules, filepath.FromSlash(pkg), "package.json")); err != nil {
			return missing(pkg + " is not installed in " + modules)
		}
	}
	return modules
}
