package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// newVersionCommand is `shardstorm version`: the module version, the Go version and, when the
// binary was built from a checkout, the VCS revision.
func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "the version, Go version and VCS revision",
		Args:  noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprint(cmd.OutOrStdout(), versionText(debug.ReadBuildInfo()))
		},
	}
}

func versionText(info *debug.BuildInfo, ok bool) string {
	version, goVersion := "(unknown)", runtime.Version()
	var rev, revTime, modified string
	if ok && info != nil {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		if info.GoVersion != "" {
			goVersion = info.GoVersion
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				revTime = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = " (modified)"
				}
			}
		}
	}
	out := fmt.Sprintf("shardstorm %s\ngo %s\n", version, goVersion)
	if rev != "" {
		out += fmt.Sprintf("revision %s%s", rev, modified)
		if revTime != "" {
			out += " " + revTime
		}
		out += "\n"
	}
	return out
}
