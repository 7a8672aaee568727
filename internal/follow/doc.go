// Package follow reads a log file as it grows, like tail -F, or a pipe
// until it closes, and hands its lines to a sink in blocks.
//
// [File] takes a path and [Options]; [Reader] takes an io.Reader such as
// stdin. Both pass every complete line to a sink func(lines []byte) once
// and in order, until the context ends (Reader also stops at EOF, after a
// last unterminated line, handed over with a "\n" added). Each call of the
// sink gets a block of one or more whole lines, each with its "\n" (and
// the "\r" before it, if any), at most 64 KiB unless it is one longer
// line. [Lines] iterates over a block's lines without their line endings.
// The sink must not keep the block after it returns.
//
// File reads the file itself, 1 MiB at a time, and checks once a read that
// the file was not truncated or rewritten under it; the tail library it is
// built on (github.com/nxadm/tail) serves only to wake it when the file
// grows. File carries on across truncation, rename rotation, and deletion
// and recreation, and waits for a file that does not exist yet.
// [Options.Clock] paces File's own checks of the file, so that tests can
// step a clock.Fake instead of waiting.
//
// File cannot deliver lines that were still unread when the file was
// truncated, the lines of a file that was replaced again before File could
// open it (its watch of the directory opens each new file as soon as it
// appears, whatever the sink is busy with), or lines written to a rotated
// file after the new one has received a line; it tells of such a [Loss]
// through [Options.OnLost] whenever it can know of it ([LostReasons]). It takes a rewrite that begins with the same
// bytes at the same offsets for an append, and a truncation to a non-zero
// size for a rewrite (the kept part is delivered again). The library it is
// built on can exit the process in cases File keeps it away from, but
// for two short windows (microseconds, and while catching up the time the
// sink takes over one block) and a chmod of an ancestor directory. File's
// doc explains these windows and the library's traps that File works
// around.
package follow
