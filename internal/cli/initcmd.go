package cli

import "io"

func initCmd(args []string, stdout, stderr io.Writer) int { return ExitBadConfig }
