package exchange

import (
	"context"
	"os/exec"
)

// shellCommand runs a token_command the way the platform's shell would:
// Windows has no sh, and EPM Automate scripts there run under cmd.
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	return exec.CommandContext(ctx, "cmd", "/C", command)
}
