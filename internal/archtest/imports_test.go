package archtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/shardstorm/shardstorm"

// sharedLeaves are the packages under internal/ that emulator and producer may import: each
// imports nothing of the module. A package is added here only if it keeps that rule (the test
// checks it); internal/app, internal/cli, internal/sdktest and internal/kinesismock are not
// leaves.
var sharedLeaves = []string{"internal/hashkey", "internal/awshttp"}

// pkg is one package of the module as `go list` sees it (non-test files only: tests may import
// what they need to check the package from outside).
type pkg struct {
	ImportPath string
	Imports    []string // direct
	Deps       []string // transitive
	GoFiles    []string // non-test .go files
}

// modulePackages lists every package of the module, keyed by path relative to the module
// ("" for the root), with their imports of the module only.
func modulePackages(t *testing.T) map[string]*pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Imports,Deps,GoFiles", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]*pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("go list output: %v", err)
		}
		rel, ok := relative(p.ImportPath)
		if !ok {
			continue // the standard library and other modules, listed by -deps
		}
		p.Imports, p.Deps = ours(p.Imports), ours(p.Deps)
		pkgs[rel] = &p
	}
	return pkgs
}

// relative is path inside the module ("" for the root), ok false outside it.
func relative(path string) (string, bool) {
	if path == module {
		return "", true
	}
	rel, ok := strings.CutPrefix(path, module+"/")
	return rel, ok
}

// ours keeps the module's packages of paths, relative.
func ours(paths []string) []string {
	var out []string
	for _, p := range paths {
		if rel, ok := relative(p); ok {
			out = append(out, rel)
		}
	}
	return out
}

// within reports whether rel is tree or below it.
func within(rel, tree string) bool { return rel == tree || strings.HasPrefix(rel, tree+"/") }

// rules checks the import rules over pkgs and returns every violation, one line each.
func rules(pkgs map[string]*pkg) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	need := func(rel string) *pkg {
		p := pkgs[rel]
		if p == nil {
			fail("package %s is gone: update the import rules with it", rel)
		}
		return p
	}

	// Shared leaves import nothing of the module.
	for _, leaf := range sharedLeaves {
		if p := need(leaf); p != nil && len(p.Deps) > 0 {
			fail("%s is a shared leaf but depends on %v", leaf, p.Deps)
		}
	}
	// emulator and producer (with their subpackages) are usable alone: they depend on nothing
	// of the module but their own tree and the shared leaves.
	for _, tree := range []string{"emulator", "producer"} {
		need(tree)
		for rel, p := range pkgs {
			if !within(rel, tree) {
				continue
			}
			for _, d := range p.Deps {
				if !within(d, tree) && !slices.Contains(sharedLeaves, d) {
					fail("%s depends on %s: %s may use only its own packages and the shared leaves %v", rel, d, tree, sharedLeaves)
				}
			}
		}
	}
	need("producer/kpl")
	// workload emits records to a sink interface of its own; it never needs the producer.
	for rel, p := range pkgs {
		if within(rel, "workload") && slices.ContainsFunc(p.Deps, func(d string) bool { return within(d, "producer") }) {
			fail("%s depends on the producer: workload emits records to its own sink interface", rel)
		}
	}
	// Direct imports: these packages read the others' figures through metrics, whose types they
	// use; naming the producer's (or the emulator's) types would tie them to it.
	forbid := map[string][]string{
		"advisor": {"producer", "emulator", "workload"},
		"tui":     {"emulator", "producer", "workload"},
	}
	for rel, banned := range forbid {
		need(rel)
		for pr, p := range pkgs {
			if !within(pr, rel) {
				continue
			}
			for _, imp := range p.Imports {
				if slices.ContainsFunc(banned, func(b string) bool { return within(imp, b) }) {
					fail("%s imports %s: it must read it through metrics", pr, imp)
				}
			}
		}
	}
	// verify reads back what any producer wrote: it depends on the KPL format and the hash keys,
	// never on the producer (internal/app maps the producer's outcomes to its own).
	need("verify")
	for rel, p := range pkgs {
		if !within(rel, "verify") {
			continue
		}
		for _, d := range p.Deps {
			if !within(d, "verify") && d != "producer/kpl" && !slices.Contains(sharedLeaves, d) {
				fail("%s depends on %s: verify may use only producer/kpl and the shared leaves %v", rel, d, sharedLeaves)
			}
		}
	}
	// metrics (and metrics/cloudwatch) are read by the advisor and the dashboard, never the
	// other way round.
	need("metrics")
	need("metrics/cloudwatch")
	for rel, p := range pkgs {
		if !within(rel, "metrics") {
			continue
		}
		for _, d := range p.Deps {
			if within(d, "tui") || within(d, "advisor") {
				fail("%s depends on %s: metrics must not depend on its readers", rel, d)
			}
		}
	}
	// The root package is a thin main: it imports only internal/cli, in at most three files.
	if root := need(""); root != nil {
		if len(root.Imports) != 1 || root.Imports[0] != "internal/cli" {
			fail("the root package imports %v: main imports only internal/cli", root.Imports)
		}
		if len(root.GoFiles) > 3 {
			fail("the root package has %d non-test files %v: at most 3 (the command line is internal/cli)", len(root.GoFiles), root.GoFiles)
		}
	}
	// Only internal/app wires the dashboard, the emulator, the producer and the workload
	// together (internal/cli calls it).
	all := []string{"tui", "emulator", "producer", "workload"}
	need("internal/app")
	for rel, p := range pkgs {
		if rel == "internal/app" || rel == "internal/cli" || rel == "" {
			continue
		}
		if !slices.ContainsFunc(all, func(a string) bool { return !slices.Contains(p.Imports, a) }) {
			fail("%s imports %v together: only internal/app wires them", rel, all)
		}
	}
	slices.Sort(bad)
	return bad
}

func TestImportRules(t *testing.T) {
	for _, v := range rules(modulePackages(t)) {
		t.Error(v)
	}
}

// Each rule reports a violation: the test above can fail.
func TestImportRulesCatchViolations(t *testing.T) {
	t.Run("a fat root package", func(t *testing.T) {
		pkgs := map[string]*pkg{"": {ImportPath: module, Imports: []string{"internal/cli"}, GoFiles: []string{"main.go", "a.go", "b.go", "c.go"}}}
		if got := rules(pkgs); !slices.ContainsFunc(got, func(v string) bool { return strings.Contains(v, "the root package has 4 non-test files") }) {
			t.Fatalf("violations %q", got)
		}
	})
	cases := []struct {
		name, pkg, imports, want string
	}{
		{"producer imports app", "producer", "internal/app", "producer depends on internal/app"},
		{"emulator imports sdktest", "emulator", "internal/sdktest", "emulator depends on internal/sdktest"},
		{"kpl imports workload", "producer/kpl", "workload", "producer/kpl depends on workload"},
		{"leaf imports producer", "internal/hashkey", "producer", "internal/hashkey is a shared leaf"},
		{"workload imports producer", "workload", "producer", "workload depends on the producer"},
		{"advisor imports producer", "advisor", "producer", "advisor imports producer"},
		{"tui imports workload", "tui", "workload", "tui imports workload"},
		{"metrics imports advisor", "metrics", "advisor", "metrics depends on advisor"},
		{"cloudwatch imports tui", "metrics/cloudwatch", "tui", "metrics/cloudwatch depends on tui"},
		{"bench wires everything", "bench", "tui", "bench imports [tui emulator producer workload] together"},
		{"main imports app", "", "internal/app", "the root package imports [internal/cli internal/app]"},
		{"verify imports producer", "verify", "producer", "verify depends on producer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pkgs := map[string]*pkg{}
			for _, rel := range []string{"emulator", "producer", "producer/kpl", "workload", "advisor", "tui", "metrics",
				"metrics/cloudwatch", "internal/app", "internal/hashkey", "internal/awshttp", "bench", "verify"} {
				pkgs[rel] = &pkg{ImportPath: rel}
			}
			pkgs["bench"].Imports = []string{"emulator", "producer", "workload"}
			pkgs[""] = &pkg{ImportPath: module, Imports: []string{"internal/cli"}, GoFiles: []string{"main.go"}}
			if len(rules(pkgs)) != 0 {
				t.Fatalf("a module with no imports breaks rules: %v", rules(pkgs))
			}
			p := pkgs[c.pkg]
			p.Imports = append(p.Imports, c.imports)
			p.Deps = append(p.Deps, c.imports)
			got := rules(pkgs)
			if !slices.ContainsFunc(got, func(v string) bool { return strings.Contains(v, c.want) }) {
				t.Fatalf("%s importing %s: violations %q, want one containing %q", c.pkg, c.imports, got, c.want)
			}
		})
	}
}
