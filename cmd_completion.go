package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// flagDoc is one flag of a command, as its help lists it.
type flagDoc struct{ name, usage string }

// commandFlags lists a command's flags by asking it for its help (-h prints the flag package's
// defaults and returns without doing anything else).
func commandFlags(name string) []flagDoc {
	for _, c := range commands {
		if c.name != name {
			continue
		}
		var help bytes.Buffer
		args := []string{"-h"}
		if name == "config" {
			args = []string{"print", "-h"}
		}
		_ = c.run(args, io.Discard, &help)
		return parseFlagHelp(help.String())
	}
	return nil
}

// parseFlagHelp reads flag.PrintDefaults output: "  -name TYPE" then "    \tusage".
func parseFlagHelp(help string) []flagDoc {
	var docs []flagDoc
	for _, line := range strings.Split(help, "\n") {
		if rest, ok := strings.CutPrefix(line, "  -"); ok {
			name, usage, _ := strings.Cut(rest, "\t")
			name, _, _ = strings.Cut(name, " ")
			docs = append(docs, flagDoc{name: name, usage: strings.TrimSpace(usage)})
		} else if strings.HasPrefix(line, "    \t") && len(docs) > 0 && docs[len(docs)-1].usage == "" {
			docs[len(docs)-1].usage = strings.TrimSpace(line)
		}
	}
	return docs
}

// suggestForCommand adds a "did you mean" to an unknown-flag usage error of a command that did
// not add one itself, from the flags its help lists.
func suggestForCommand(name string, err error) error {
	msg := err.Error()
	flagName, ok := strings.CutPrefix(msg, undefinedFlagPrefix)
	if !ok || strings.Contains(msg, "did you mean") {
		return err
	}
	var names []string
	for _, d := range commandFlags(name) {
		names = append(names, d.name)
	}
	if s := closest(strings.TrimLeft(flagName, "-"), names); s != "" {
		return usageError{fmt.Errorf("%s (did you mean --%s?)", msg, s)}
	}
	return err
}

// runCompletion is `shardstorm completion bash|zsh|fish`.
func runCompletion(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return usageError{errors.New("want `shardstorm completion bash|zsh|fish`, e.g. source <(shardstorm completion bash)")}
	}
	switch args[0] {
	case "bash":
		fmt.Fprint(stdout, bashCompletion())
	case "zsh":
		fmt.Fprint(stdout, "#compdef shardstorm\nautoload -U +X bashcompinit && bashcompinit\n"+bashCompletion())
	case "fish":
		fmt.Fprint(stdout, fishCompletion())
	case "-h", "--help":
		fmt.Fprintln(stderr, "Usage: shardstorm completion bash|zsh|fish\n\n  bash: source <(shardstorm completion bash)\n  zsh:  source <(shardstorm completion zsh)\n  fish: shardstorm completion fish | source")
		return nil
	default:
		return usageError{fmt.Errorf("unknown shell %q: want bash, zsh or fish", args[0])}
	}
	return nil
}

func commandNames() []string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return names
}

// otherCommands are the commands with flags of their own: all but run, config (run's flags) and
// completion.
func otherCommands() []string {
	var names []string
	for _, c := range commands {
		if c.name != "run" && c.name != "config" && c.name != "completion" {
			names = append(names, c.name)
		}
	}
	return names
}

func scenarioNames() []string {
	var names []string
	for _, s := range scenarios {
		names = append(names, s.name)
	}
	return names
}

func dashed(docs []flagDoc) string {
	var names []string
	for _, d := range docs {
		names = append(names, "--"+d.name)
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

// fileFlags take a path.
var fileFlags = []string{"config", "report", "csv", "workload"}

func bashCompletion() string {
	var b strings.Builder
	fmt.Fprintf(&b, `# bash completion for shardstorm: source <(shardstorm completion bash)
_shardstorm() {
    local cur prev cmd flags
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    cmd="${COMP_WORDS[1]}"
    case "$prev" in
        --scenario|-scenario) COMPREPLY=($(compgen -W %q -- "$cur")); return ;;
`, strings.Join(scenarioNames(), " "))
	var files []string
	for _, f := range fileFlags {
		files = append(files, "--"+f, "-"+f)
	}
	fmt.Fprintf(&b, "        %s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n    esac\n", strings.Join(files, "|"))
	fmt.Fprintf(&b, `    if [[ $COMP_CWORD -eq 1 && "$cur" != -* ]]; then
        COMPREPLY=($(compgen -W %q -- "$cur")); return
    fi
    case "$cmd" in
        config)
            if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W "print" -- "$cur")); return; fi
            flags=%q ;;
        completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return ;;
`, strings.Join(commandNames(), " "), dashed(commandFlags("run")))
	for _, name := range otherCommands() {
		if docs := commandFlags(name); len(docs) > 0 {
			fmt.Fprintf(&b, "        %s) flags=%q ;;\n", name, dashed(docs))
		} else {
			fmt.Fprintf(&b, "        %s) return ;;\n", name)
		}
	}
	fmt.Fprintf(&b, `        *) flags=%q ;;
    esac
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
}
complete -o default -F _shardstorm shardstorm
`, dashed(commandFlags("run")))
	return b.String()
}

func fishCompletion() string {
	var b strings.Builder
	b.WriteString("# fish completion for shardstorm: shardstorm completion fish | source\n")
	b.WriteString("complete -c shardstorm -f\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "complete -c shardstorm -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	others := strings.Join(otherCommands(), " ") + " completion"
	for _, d := range commandFlags("run") {
		fmt.Fprintf(&b, "complete -c shardstorm -n 'not __fish_seen_subcommand_from %s' -l %s -d %s", others, d.name, fishQuote(d.usage))
		switch {
		case d.name == "scenario":
			fmt.Fprintf(&b, " -x -a %s", fishQuote(strings.Join(scenarioNames(), " ")))
		case contains(fileFlags, d.name):
			b.WriteString(" -r -F")
		}
		b.WriteString("\n")
	}
	for _, name := range otherCommands() {
		for _, d := range commandFlags(name) {
			fmt.Fprintf(&b, "complete -c shardstorm -n '__fish_seen_subcommand_from %s' -l %s -d %s\n", name, d.name, fishQuote(d.usage))
		}
	}
	b.WriteString("complete -c shardstorm -n '__fish_seen_subcommand_from config' -a print\n")
	b.WriteString("complete -c shardstorm -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n")
	return b.String()
}

func fishQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
