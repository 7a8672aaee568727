package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"time"

	"github.com/reqstats/reqstats/aggregate"
)

// RecordJSON is one request as WriteRecord writes it: where it was read,
// what it asked, how long it took and the route it was counted under.
type RecordJSON struct {
	Time       *time.Time `json:"time,omitempty"`
	Method     string     `json:"method"`
	Path       string     `json:"path"`
	Route      string     `json:"route"`
	Status     int        `json:"status"`
	DurationMs ms         `json:"durationMs"`
	Phases     []Phase    `json:"phases,omitempty"`
	Cold       bool       `json:"cold"`
	Source     string     `json:"source"` // the logger that printed it: next, json, morgan…
	File       string     `json:"file"`
	Line       int        `json:"line"`
}

// WriteRecord writes one request as a line of JSON (see RecordJSON), for
// -o ndjson: one line per request, in log order, written as the log is
// read. Strings keep their exact value, as WriteJSON writes them.
func WriteRecord(w io.Writer, r aggregate.Request) error {
	var b bytes.Buffer
	return writeRecord(w, &b, r)
}

// writeRecord is WriteRecord, encoding in b.
func writeRecord(w io.Writer, b *bytes.Buffer, r aggregate.Request) error {
	j := requestJSONAs(r.Record, r.Source)
	rec := RecordJSON{
		Time: j.Time, Method: j.Method, Path: j.Path, Route: r.Key.Route, Status: j.Status,
		DurationMs: j.DurationMs, Phases: j.Phases, Cold: r.Cold, Source: j.Source, File: j.File, Line: j.Line,
	}
	b.Reset()
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil {
		return err
	}
	_, err := w.Write(safeJSON(b.Bytes()))
	return err
}

// writeStreamed is the WriteFunc of a format whose output is written
// request by request (ndjson): nothing is left to write at the end.
func writeStreamed(io.Writer, *aggregate.Summary, Options) error { return nil }

// RecordWriter writes each request with WriteRecord as it is counted
// (-o ndjson), buffered, and keeps the first write error.
type RecordWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer // each record is encoded here
	err error
}

// NewRecordWriter returns a RecordWriter to w.
func NewRecordWriter(w io.Writer) *RecordWriter {
	return &RecordWriter{w: bufio.NewWriter(w)}
}

// Write writes r, unless an earlier write failed; it is an
// aggregate.Options.OnRequest hook.
func (s *RecordWriter) Write(r aggregate.Request) {
	if s.err == nil {
		s.err = writeRecord(s.w, &s.buf, r)
	}
}

// Flush writes what is buffered, and returns the first error of any write.
func (s *RecordWriter) Flush() error {
	if err := s.w.Flush(); s.err == nil {
		s.err = err
	}
	return s.err
}
