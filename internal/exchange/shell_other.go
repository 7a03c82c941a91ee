//go:build !windows

package exchange

import (
	"context"
	"os/exec"
)

// shellCommand runs a token_command with sh, as a person would type it.
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	return exec.CommandContext(ctx, "sh", "-c", command)
}
