//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package child

import (
	"os"

	"golang.org/x/sys/unix"
)

// keepNewlines turns off the pty's "\n" → "\r\n" translation (ONLCR).
func keepNewlines(tty *os.File) {
	if t, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TIOCGETA); err == nil {
		t.Oflag &^= unix.ONLCR
		unix.IoctlSetTermios(int(tty.Fd()), unix.TIOCSETA, t)
	}
}
