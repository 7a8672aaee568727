//go:build unix && !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package child

import "os"

// keepNewlines leaves the pty as it is where its flags are not known.
func keepNewlines(tty *os.File) {}
