// Package follow reads a log file as it grows, like tail -F, or a pipe
// until it closes, and hands each line to a sink.
//
// [File] takes a path and [Options]; [Reader] takes an io.Reader such as
// stdin. Both pass each complete line to a sink func(line []byte) once and
// in order, without its "\n" or "\r\n", until the context ends (Reader also
// stops at EOF, after a last unterminated line). File carries on across
// truncation, rename rotation, and deletion and recreation, and waits for a
// file that does not exist yet. [Options.Clock] paces File's own checks of
// the file, so that tests can step a clock.Fake instead of waiting.
//
// File cannot deliver lines that were still unread when the file was
// truncated, the lines of a file that was replaced again before File looked
// at it, or lines written to a rotated file after the new one has received a
// line; it tells of such a [Loss] through [Options.OnLost] whenever it can
// know of it ([LostReasons]). It takes a rewrite that begins with the same
// bytes at the same offsets for an append, and a truncation to a non-zero
// size for a rewrite (the kept part is delivered again). The library it is
// built on can exit the process in cases File keeps it away from, but
// for two windows of microseconds and a chmod of an ancestor directory.
// File's doc explains these windows and the library's traps that File works
// around.
package follow
