package report

import (
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/reqstats/reqstats/aggregate"
)

// Every string read from a log is chosen by whoever sent the request, so
// each output makes it safe for its medium here, where it is written, and
// nowhere else:
//
//   - terminal formats (the table, the route view, the live view's status
//     line, the warnings on standard error) show the characters that would
//     act on a terminal as visible escapes: Terminal;
//   - markdown puts every such string in a code span that no path can
//     close, with "|" escaped (code), after Terminal;
//   - csv keeps the value and quotes it, tsv escapes it with backslashes
//     (csvValue, tsvValue);
//   - json, ndjson and api keep the exact value, and write the invisible
//     characters encoding/json leaves raw as \u escapes (safeJSON);
//   - junit goes through encoding/xml, and the characters it leaves raw
//     become character references (safeXML).

// unsafeRune reports whether r would act on a terminal, or hide what
// follows it, instead of showing itself: the C0 and C1 controls, DEL, the
// line and paragraph separators, and the invisible format characters
// (Unicode's Cf: bidi overrides and isolates, zero-width characters, the
// byte-order mark…).
func unsafeRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
		r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r)
}

// escapeRune writes r as a visible escape: \t, \n, \r, \x1b, \u009b,
// \u202e.
func escapeRune(b *strings.Builder, r rune) {
	switch {
	case r == '\t':
		b.WriteString(`\t`)
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case r < 0x80:
		b.WriteString(`\x`)
		b.WriteString(hex2(int(r)))
	case r <= 0xffff:
		b.WriteString(`\u`)
		b.WriteString(hex4(int(r)))
	default:
		b.WriteString(`\U`)
		b.WriteString(hex4(int(r) >> 16))
		b.WriteString(hex4(int(r) & 0xffff))
	}
}

func hex2(n int) string {
	s := strconv.FormatInt(int64(n), 16)
	return strings.Repeat("0", 2-len(s)) + s
}

func hex4(n int) string {
	s := strconv.FormatInt(int64(n), 16)
	return strings.Repeat("0", 4-len(s)) + s
}

// Terminal returns s as a terminal may show it: every control character,
// DEL, line or paragraph separator and invisible format character (bidi
// overrides such as U+202E) written as a visible escape ("\x1b",
// "\u202e"), and every byte that is not UTF-8 as "\x9b". Anything else is
// kept. It is how every string read from a log reaches a terminal.
func Terminal(s string) string {
	return escape(s, func(rune) bool { return false })
}

// escape writes the unsafe runes of s (but those keep allows) and its
// bytes that are not UTF-8 as visible escapes.
func escape(s string, keep func(rune) bool) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || (unsafeRune(r) && !keep(r)) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(int(s[i])))
		case unsafeRune(r) && !keep(r):
			escapeRune(&b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// csvValue is a value as WriteCSV writes it: kept, newlines included
// (encoding/csv quotes the field), but for the characters that would act
// on the terminal the file is shown on, written as Terminal writes them.
func csvValue(s string) string {
	return escape(s, func(r rune) bool { return r == '\n' })
}

// tsvValue is a value as WriteTSV writes it, in the "linear TSV"
// convention of PostgreSQL's COPY and of cut and awk: never quoted, a
// backslash written "\\", a tab "\t", a newline "\n", a carriage return
// "\r" and the other characters Terminal escapes as it does, so that a
// field holds no tab and a row no newline.
func tsvValue(s string) string {
	if !strings.Contains(s, `\`) {
		return Terminal(s)
	}
	return Terminal(strings.ReplaceAll(s, `\`, `\\`))
}

// safeJSON rewrites the characters that encoding/json leaves raw in
// strings but that would act on a terminal (DEL, the C1 controls, the
// invisible format characters) as \u escapes. The document means the
// same: they can only stand inside strings.
func safeJSON(b []byte) []byte {
	return escapeEncoded(b, func(out []byte, r rune) []byte {
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			return append(append(append(out, `\u`+hex4(int(r1))...), `\u`...), hex4(int(r2))...)
		}
		return append(out, `\u`+hex4(int(r))...)
	})
}

// safeXML rewrites the characters that encoding/xml leaves raw but that
// would act on a terminal (DEL, the C1 controls, the invisible format
// characters) as character references, which mean the same.
func safeXML(b []byte) []byte {
	return escapeEncoded(b, func(out []byte, r rune) []byte {
		return append(out, "&#x"+strconv.FormatInt(int64(r), 16)+";"...)
	})
}

// escapeEncoded rewrites, in an encoded document, each unsafe rune that
// is not ASCII or DEL with esc. The C0 controls are the encoder's to
// escape.
func escapeEncoded(b []byte, esc func([]byte, rune) []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		if b[i] < 0x7f { // ASCII other than DEL: the encoder's
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if (r == 0x7f || r >= 0x80) && unsafeRune(r) {
			if out == nil {
				out = make([]byte, 0, len(b)+16)
			}
			out = esc(append(out, b[last:i]...), r)
			last = i + size
		}
		i += size
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// module is the import path prefix of the types withStrings copies into.
const module = "github.com/reqstats/reqstats/"

// withStrings returns a copy of s with every string in it, however deep,
// passed through f: route names, paths, methods, file names, store tags,
// messages. It walks the Summary's exported fields by reflection, so that
// a string field added to it later is made safe too without anyone
// remembering to. s itself is not changed.
func withStrings(s *aggregate.Summary, f func(string) string) *aggregate.Summary {
	v := reflect.ValueOf(s)
	return mapStrings(v, f).Interface().(*aggregate.Summary)
}

// mapStrings returns a copy of v with f applied to its strings. Only the
// types of this module are copied into: others (time.Time, a regexp) are
// kept as they are.
func mapStrings(v reflect.Value, f func(string) string) reflect.Value {
	t := v.Type()
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(t).Elem()
		out.SetString(f(v.String()))
		return out
	case reflect.Pointer:
		if v.IsNil() || !ours(t.Elem()) {
			return v
		}
		out := reflect.New(t.Elem())
		out.Elem().Set(mapStrings(v.Elem(), f))
		return out
	case reflect.Slice:
		if v.IsNil() || !ours(t.Elem()) {
			return v
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(mapStrings(v.Index(i), f))
		}
		return out
	case reflect.Struct:
		if !ours(t) {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(v)
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				out.Field(i).Set(mapStrings(v.Field(i), f))
			}
		}
		return out
	}
	return v
}

// ours reports whether values of t may hold strings withStrings must reach:
// strings, and the structs of this module, behind pointers and slices.
func ours(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.String {
		return true
	}
	return t.Kind() == reflect.Struct && strings.HasPrefix(t.PkgPath(), module)
}
