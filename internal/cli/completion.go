package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newCompletionCommand is `shardstorm completion bash|zsh|fish|powershell`: the shell's
// completion script, from cobra, completing commands, flags and scenario names with their
// descriptions. (Ours rather than cobra's default command, so a missing or unknown shell is a
// usage error, exit 2.)
func newCompletionCommand() *cobra.Command {
	return &cobra.Command{
		Use:       "completion bash|zsh|fish|powershell",
		Short:     "completion bash|zsh|fish|powershell: a shell completion script for the commands and their flags",
		Long:      "Prints a completion script.\n\n  bash:       source <(shardstorm completion bash)\n  zsh:        source <(shardstorm completion zsh)\n  fish:       shardstorm completion fish | source\n  powershell: shardstorm completion powershell | Out-String | Invoke-Expression",
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("want `shardstorm completion bash|zsh|fish|powershell`, e.g. source <(shardstorm completion bash)")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
			return usageError{fmt.Errorf("unknown shell %q: want bash, zsh, fish or powershell", args[0])}
		},
	}
}
