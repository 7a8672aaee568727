// Package genlog writes deterministic, realistic `next dev` logs for tests
// and benchmarks of the reqstats parser.
//
// The output imitates a long development session: a sequence of dev-server
// runs, each with one Next.js version (13.4 tree format, 13.5–14, 15, 16.0,
// 16.1, 16.2, 16.3), one bundler, one tool prefix (or none) and one colour
// mode. Request lines are interleaved with fetch and server-action sub-lines,
// compile/status lines, METRIC RECORDED counters, pino JSON lines, console
// output, Prisma queries, stack traces and look-alike lines from other tools.
// Every line shape is copied from the real examples in
// ../shared/samples/formats, beside the repository.
//
// Options.Profile chooses what the log imitates: the mix above (the
// default), or ProfileDev, the hard case for an aggregator: one long
// coloured dev session, dense with compile lines and with ids in most
// request paths.
//
// The same Options (Seed, Size, Profile and fractions) always produce
// byte-identical output on a given platform. Stats and the OnRequest callback report exactly
// what was written, so a parser can be checked against them.
package genlog

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// Version identifies the generator's output. It changes whenever the same
// Options (of any Profile) would produce different bytes, so cached logs can
// be invalidated.
const Version = "genlog-1"

// Profiles accepted by Options.Profile ("" means ProfileMixed).
const (
	// ProfileMixed is the default: the mix of versions, tools, prefixes and
	// line kinds described in the package doc, about 30% request lines.
	ProfileMixed = "mixed"
	// ProfileDev is the hard case of a long `next dev` session for an
	// aggregator:
	//   - every run is coloured with ANSI SGR codes, as `next dev` prints in
	//     a terminal (ANSIFrac is not used), and runs are long (20k–400k
	//     lines between restarts);
	//   - about one line in seven is a compile line ("○ Compiling
	//     /api/users/[id] ...", "✓ Compiled /api/users/[id] in 1.2s (413
	//     modules)", "✓ Compiled in 143ms" after an edit, in each version's
	//     shape; webpack in 40% of the 16.x runs), naming the route a request
	//     is about to wait for, or one of about 120 route templates
	//     requested later or never, or Next's own /middleware, /_not-found,
	//     /_error and /instrumentation;
	//   - most request paths carry ids: numbers, UUIDs, long hex, slugs,
	//     prefixed tokens ("cus_…"), nanoids, cuids, dates and catch-all
	//     segments, so a GB holds millions of distinct paths;
	//   - requests are 45% of the lines by default (RequestFrac); the other
	//     line kinds of the mix stay.
	ProfileDev = "dev"
)

// Profiles lists the values accepted by Options.Profile, the default first.
var Profiles = []string{ProfileMixed, ProfileDev}

// Families lists the version families accepted by Options.Versions.
var Families = []string{"13.4", "14", "15", "16.0", "16.1", "16.2", "16.3"}

// Options configures Generate.
//
// Fractions are probabilities in 0..1. A zero value selects the default
// documented on the field; a negative value turns the feature off.
type Options struct {
	// Seed selects the pseudo-random stream; the same Seed and Size (and
	// fractions) give byte-identical output.
	Seed int64
	// Size is the approximate number of bytes to write; Generate stops at the
	// first line boundary at or after Size. Size <= 0 writes nothing.
	Size int64

	// Profile selects what the log imitates: "" or ProfileMixed (the
	// default), or ProfileDev. The defaults documented on the other fields
	// are ProfileMixed's; ProfileDev documents where it differs.
	Profile string

	// RequestFrac is the target share of lines that are Next request lines
	// (default 0.30, 0.45 with ProfileDev). Bursts make the local share vary
	// around it.
	RequestFrac float64
	// PrefixFrac is the share of dev-server runs (and so, roughly, of lines)
	// that carry a tool prefix: GitHub Actions timestamps, docker compose,
	// turbo, concurrently, pm2, Render, Cloud Run (default 0.25).
	PrefixFrac float64
	// ANSIFrac is the share of runs printed with colours: coloured status
	// codes, dim breakdowns and bold glyphs; a third of those lost the ESC
	// byte (default 0.15; ProfileDev colours every run, with the ESC).
	ANSIFrac float64
	// CRLFFrac is the per-line chance of a "\r\n" ending; one in ten of those
	// is "\r\r\n" (default 0.01).
	CRLFFrac float64
	// MojibakeFrac is the per-line chance that a line with Next glyphs
	// (✓ ○ ⚠ ⨯ ▲ │ └─ ƒ µ) was decoded as cp1252, e.g. "âœ“" (default 0.03).
	MojibakeFrac float64
	// PadFrac is the per-line chance that a line was padded with spaces to
	// the width of a 120-column terminal (default 0.002).
	PadFrac float64
	// LongLineFrac is the chance that a noise chunk is one very long line of
	// 60–260 KiB, longer than bufio.Scanner's default limit (default 1e-5,
	// about a dozen per GB).
	LongLineFrac float64
	// Versions restricts the Next.js version families used (see Families).
	// Nil or empty means all of them, weighted like a realistic mix.
	Versions []string

	// OnRequest, if set, is called for every Next request line written, in
	// order, with the method, the path as printed (including any query
	// string), the status code and the duration a correct parser must read
	// from the line (the printed value converted exactly to nanoseconds).
	OnRequest func(method, path string, status int, d time.Duration)
}

// Stats counts what Generate wrote, so tests and benchmarks can check a
// parser against it.
//
// Every line falls in exactly one of Requests, Fetch, Compile, Metric, JSON
// and Noise, so their sum is Lines. Actions, SlowLog, CRLF, Long and MaxLine
// are informational sub-counts.
type Stats struct {
	Bytes, Lines int64
	// Requests counts Next request lines (" GET /x 200 in 145ms" and all
	// other versions' shapes): the lines a correct parser must count.
	Requests int64
	// Slow counts the requests whose printed duration is > 2s.
	Slow int64
	// Internal counts the requests (included in Requests) to Next's own
	// endpoints: /_next/... hot-update.json and /__nextjs_original-stack-frames.
	Internal int64
	// Fetch counts fetch sub-lines, "Cache ... reason" lines, the "│" lines
	// of the 13.4 tree and server-action lines ("└─ ƒ action() in 1ms").
	Fetch int64
	// Compile counts Next status lines: Compiling/Compiled, Starting/Ready,
	// ▲ banners and their "- Local:" lines, ⚠ and ⨯ lines, 13.4 "- event"
	// lines.
	Compile int64
	// Metric counts "[tag] ✓ METRIC RECORDED, new size: N" lines.
	Metric int64
	// JSON counts one-line pino JSON objects ("incoming request" and
	// "request completed"); they are not Next requests.
	JSON int64
	// Noise counts everything else: console output, objects, stack traces,
	// [browser] lines, Prisma queries, look-alikes, blank lines, long lines.
	Noise int64

	// Actions counts the server-action lines included in Fetch.
	Actions int64
	// SlowLog counts "[performance-logger] 🐌 SLOW REQUEST" warnings (one
	// per warning, whether util.inspect printed it on one line or six); their
	// lines are included in Noise.
	SlowLog int64
	// CRLF counts lines ending in "\r\n" or "\r\r\n".
	CRLF int64
	// Long counts lines longer than 64 KiB.
	Long int64
	// MaxLine is the longest line in bytes, without its line ending.
	MaxLine int64
}

// Request describes one generated Next request line (see Collect).
type Request struct {
	Method string
	Path   string // as printed, with the query string
	Route  string // route template, e.g. "/api/users/[id]"
	Status int
	// Duration is the printed duration converted exactly to nanoseconds.
	Duration time.Duration
	// Line is the 1-based line number in the output.
	Line int64
	// Cold is true when the request followed a compile of its route (the
	// first hit, or a hit after a hot reload invalidated the route).
	Cold bool
	// Family is the version family whose shape the line has (see Families).
	Family string
}

// Generate writes a log of about opts.Size bytes to w and reports what it
// wrote. Writes are buffered; w sees chunks of about 1 MiB.
func Generate(w io.Writer, opts Options) (Stats, error) {
	g, err := newGen(w, opts)
	if err != nil {
		return Stats{}, err
	}
	return g.run()
}

// Collect generates the log for opts, discards the bytes and returns every
// request line's details in order, with the Stats. It is meant for small
// sizes in tests that recompute percentiles independently.
func Collect(opts Options) ([]Request, Stats, error) {
	g, err := newGen(io.Discard, opts)
	if err != nil {
		return nil, Stats{}, err
	}
	var reqs []Request
	g.hook = func(r *Request) { reqs = append(reqs, *r) }
	st, err := g.run()
	return reqs, st, err
}

// ---------------------------------------------------------------------------
// Random numbers: xoshiro256** seeded with splitmix64, so the stream does not
// depend on math/rand's implementation.

type rng struct{ s [4]uint64 }

// newRNG seeds a generator from seed with splitmix64.
func newRNG(seed int64) rng {
	var r rng
	x := uint64(seed)
	for i := range r.s {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		r.s[i] = z ^ (z >> 31)
	}
	return r
}

// u64 returns the next 64 random bits (xoshiro256**).
func (r *rng) u64() uint64 {
	s := &r.s
	res := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return res
}

// intn returns a number in [0, n) (Lemire's multiply-shift; n > 0).
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.u64(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// f64 returns a float in [0, 1).
func (r *rng) f64() float64 { return float64(r.u64()>>11) * 0x1p-53 }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return p > 0 && r.f64() < p }

// norm returns a standard normal variate (Box–Muller).
func (r *rng) norm() float64 {
	u := r.f64()
	if u < 1e-300 {
		u = 1e-300
	}
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.f64())
}

// logn returns a lognormal variate with the given median and sigma.
func (r *rng) logn(median, sigma float64) float64 {
	return median * math.Exp(sigma*r.norm())
}

// logUniform returns an integer spread evenly in log scale over [lo, hi].
func (r *rng) logUniform(lo, hi float64) int64 {
	return int64(lo * math.Exp(r.f64()*math.Log(hi/lo)))
}

// picker chooses an index with fixed integer weights.
type picker struct {
	cum []int
}

// newPicker builds a picker from weights (at least one must be positive).
func newPicker(w ...int) picker {
	p := picker{cum: make([]int, len(w))}
	t := 0
	for i, x := range w {
		t += x
		p.cum[i] = t
	}
	return p
}

// pick returns an index chosen by weight.
func (p *picker) pick(r *rng) int {
	x := r.intn(p.cum[len(p.cum)-1])
	for i, c := range p.cum {
		if x < c {
			return i
		}
	}
	return len(p.cum) - 1
}

// pickStr returns a random element of s.
func (r *rng) pickStr(s []string) string { return s[r.intn(len(s))] }

// ---------------------------------------------------------------------------
// Glyphs, with their cp1252 mojibake.

type glyphSet struct {
	check, circle, warn, cross, tri, vbar, tee, corner, dash, fn, micro, top string
}

var (
	utf8Glyphs   = glyphSet{"✓", "○", "⚠", "⨯", "▲", "│", "├", "└", "─", "ƒ", "µ", "┌"}
	cp1252Glyphs = glyphSet{"âœ“", "â—‹", "âš\u00a0", "â¨¯", "â–²", "â”‚", "â”œ", "â””", "â”€", "Æ’", "Âµ", "â”Œ"}
)

// ---------------------------------------------------------------------------
// Version families.

const (
	f134 = iota // 13.4 tree: "-  ┌ GET / 200 in 90ms"
	f14         // 13.5–14.x: " GET / 200 in 90ms", fetch "(cache: SKIP)"
	f15         // 15.x: fetch "(cache skip)"
	f160        // 16.0: "(compile: X, proxy.ts: Y, render: Z)", padded status lines
	f161        // 16.1: + generate-params, unpadded status lines
	f162        // 16.2: "(next.js: X, proxy.ts: Y, application-code: Z)"
	f163        // 16.3: + "✓ Running next.config.ts took Nms"
	nFam
)

var famWeights = [nFam]int{3, 17, 30, 15, 10, 18, 7}

var famVersions = [nFam][]string{
	{"13.4.8", "13.4.12", "13.4.19"},
	{"13.5.6", "14.0.4", "14.1.0", "14.2.3", "14.2.5", "14.2.35"},
	{"15.0.3", "15.1.6", "15.2.4", "15.3.8", "15.4.5", "15.5.6"},
	{"16.0.1", "16.0.3", "16.0.6", "16.0.10"},
	{"16.1.0", "16.1.6"},
	{"16.2.1", "16.2.3", "16.2.6"},
	{"16.3.0", "16.3.1"},
}

// ---------------------------------------------------------------------------
// Tool prefixes.

const (
	tsNone = iota
	ts6
	ts7
	ts9
	ts9trim
	tsPM2
)

// prefix is literal text, an optional timestamp and more literal text.
type prefix struct {
	lit1  string
	ts    int
	lit2  string
	blank string // what a blank line looks like (compose drops the space after "|")
}

// ---------------------------------------------------------------------------
// Sessions (one `next dev` run).

type session struct {
	fam      int
	version  string
	turbo    bool
	left     int64 // lines until the next restart
	main     prefix
	side     prefix // other services / API sidecar
	color    int    // 0 none, 1 ANSI, 2 ANSI without ESC
	proxy    bool   // has proxy.ts / middleware timing (16.x)
	metrics  bool   // muva-chat style performance logger
	prisma   bool
	api      bool // pino API server alongside
	fullURL  bool
	treeLead string // 13.4 request lead
	treeInd  string // 13.4 fetch indent
	port     int
	host     string
	pid      int
	reqID    int64
	pending  []int64
	metric   [3]int64
	first    bool
}

// ---------------------------------------------------------------------------
// The generator.

const flushAt = 1 << 20

type gen struct {
	o       Options
	famPick picker
	w       io.Writer
	buf     []byte
	ls, cs  int // start of the line and of its content (after the prefix)
	blank   string
	err     error
	done    bool
	st      Stats
	r       rng
	now     int64 // simulated wall clock, Unix ns
	s       session
	cold    []bool
	hook    func(*Request)
	secLast int64
	secISO  []byte
	secPM2  []byte
	debt    float64
	noiseP  picker
	routeP  picker
	rq      reqScratch
	dev     bool    // Profile "dev"
	routes  []route // the route table: routes, or devRoutes for "dev"
	cdebt   float64 // "dev": compile lines owed to reach devCompileFrac

	// pMiddleware and pMetric are the chances, in a session with the
	// performance logger, of middleware lines before a request and of a
	// METRIC RECORDED line after it.
	pMiddleware, pMetric float64
}

// defaultFrac resolves a fraction option: 0 means def, negative means off.
func defaultFrac(v, def float64) float64 {
	if v == 0 {
		return def
	}
	if v < 0 {
		return 0
	}
	return v
}

// newGen validates opts and prepares a generator writing to w.
func newGen(w io.Writer, opts Options) (*gen, error) {
	o := opts
	dev := false
	switch o.Profile {
	case "", ProfileMixed:
	case ProfileDev:
		dev = true
	default:
		return nil, fmt.Errorf("genlog: unknown profile %q (want one of %v)", o.Profile, Profiles)
	}
	if dev {
		o.RequestFrac = defaultFrac(o.RequestFrac, 0.45)
	}
	o.RequestFrac = defaultFrac(o.RequestFrac, 0.30)
	if o.RequestFrac <= 0 || o.RequestFrac > 0.95 {
		return nil, errors.New("genlog: RequestFrac must be in (0, 0.95]")
	}
	o.PrefixFrac = defaultFrac(o.PrefixFrac, 0.25)
	o.ANSIFrac = defaultFrac(o.ANSIFrac, 0.15)
	o.CRLFFrac = defaultFrac(o.CRLFFrac, 0.01)
	o.MojibakeFrac = defaultFrac(o.MojibakeFrac, 0.03)
	o.PadFrac = defaultFrac(o.PadFrac, 0.002)
	o.LongLineFrac = defaultFrac(o.LongLineFrac, 1e-5)
	weights := famWeights
	if len(o.Versions) > 0 {
		weights = [nFam]int{}
		for _, v := range o.Versions {
			found := false
			for i, f := range Families {
				if f == v {
					weights[i] = famWeights[i]
					found = true
				}
			}
			if !found {
				return nil, fmt.Errorf("genlog: unknown version family %q (want one of %v)", v, Families)
			}
		}
	}
	g := &gen{
		o:       o,
		famPick: newPicker(weights[:]...),
		w:       w,
		buf:     make([]byte, 0, flushAt+flushAt/4),
		r:       newRNG(opts.Seed),
		secLast: -1,
		dev:     dev,

		pMiddleware: 0.4,
		pMetric:     0.85,
	}
	if dev { // every run has the logger, but it says less
		g.pMiddleware, g.pMetric = 0.05, 0.05
	}
	g.now = time.Date(2025, 11, 6, 10, 0, 0, 0, time.UTC).UnixNano() + int64(g.r.intn(200*24*3600))*1e9
	g.routes = routes
	if o.Profile == ProfileDev {
		g.routes = devRoutes
	}
	g.cold = make([]bool, len(g.routes))
	rw := make([]int, len(g.routes))
	for i := range g.routes {
		rw[i] = g.routes[i].weight
	}
	g.routeP = newPicker(rw...)
	g.noiseP = newPicker(noiseWeights[:]...)
	return g, nil
}

// run produces the whole log.
func (g *gen) run() (Stats, error) {
	if g.o.Size <= 0 {
		return g.st, nil
	}
	for !g.done {
		if g.s.left <= 0 {
			g.startSession()
			continue
		}
		if g.dev {
			g.burstDev()
			continue
		}
		g.burst()
	}
	g.flush()
	return g.st, g.err
}

// flush writes the buffer to w.
func (g *gen) flush() {
	if len(g.buf) > 0 && g.err == nil {
		if _, err := g.w.Write(g.buf); err != nil {
			g.err = err
			g.done = true
		}
	}
	g.buf = g.buf[:0]
}

// appendTS appends the simulated clock in one of the timestamp layouts.
func (g *gen) appendTS(b []byte, kind int) []byte {
	sec := g.now / 1e9
	frac := g.now % 1e9
	if sec != g.secLast {
		t := time.Unix(sec, 0).UTC()
		g.secISO = t.AppendFormat(g.secISO[:0], "2006-01-02T15:04:05")
		g.secPM2 = t.AppendFormat(g.secPM2[:0], "2006-01-02 15:04:05")
		g.secLast = sec
	}
	switch kind {
	case tsPM2:
		return append(b, g.secPM2...)
	case ts6:
		b = append(append(b, g.secISO...), '.')
		return append(appendPad(b, frac/1000, 6), 'Z')
	case ts7:
		b = append(append(b, g.secISO...), '.')
		return append(appendPad(b, frac/100, 7), 'Z')
	case ts9:
		b = append(append(b, g.secISO...), '.')
		return append(appendPad(b, frac, 9), 'Z')
	case ts9trim:
		b = append(append(b, g.secISO...), '.')
		n := len(b)
		b = appendPad(b, frac, 9)
		for len(b) > n+1 && b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
		return append(b, 'Z')
	}
	return b
}

// appendPad appends v in decimal, zero-padded to width digits.
func appendPad(b []byte, v int64, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for j := 0; j < width || v > 0; j++ {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[i:]...)
}

// appendISOms appends the clock as "2025-11-06T10:00:00.123Z".
func (g *gen) appendISOms(b []byte) []byte {
	b = g.appendTS(b, ts9)
	b = b[:len(b)-7] // drop the last 6 fraction digits and the Z
	return append(b, 'Z')
}

// begin starts a line of the main Next process and returns the buffer with
// the session prefix appended.
func (g *gen) begin() []byte { return g.beginP(&g.s.main) }

// beginSide starts a line from another process (API sidecar, database).
func (g *gen) beginSide() []byte { return g.beginP(&g.s.side) }

// beginP starts a line with prefix p.
func (g *gen) beginP(p *prefix) []byte {
	b := g.buf
	g.ls = len(b)
	b = append(b, p.lit1...)
	if p.ts != tsNone {
		b = g.appendTS(b, p.ts)
		b = append(b, p.lit2...)
	}
	g.cs = len(b)
	g.blank = p.blank
	return b
}

// end finishes the line in b, counts it in kind and flushes if needed. It
// reports whether the line was written (false once Size has been reached).
func (g *gen) end(b []byte, kind *int64) bool {
	if g.done {
		g.buf = b[:g.ls]
		return false
	}
	if len(b) == g.cs && g.blank != "" {
		b = append(b[:g.ls], g.blank...)
	}
	if g.o.PadFrac > 0 && g.r.chance(g.o.PadFrac) {
		for n := len(b) - g.cs; n < 120; n++ {
			b = append(b, ' ')
		}
	}
	n := int64(len(b) - g.ls)
	if n > g.st.MaxLine {
		g.st.MaxLine = n
	}
	if n > 64<<10 {
		g.st.Long++
	}
	if g.o.CRLFFrac > 0 && g.r.chance(g.o.CRLFFrac) {
		if g.r.intn(10) == 0 {
			b = append(b, '\r')
		}
		b = append(b, '\r', '\n')
		g.st.CRLF++
	} else {
		b = append(b, '\n')
	}
	g.st.Lines++
	*kind++
	g.st.Bytes += int64(len(b) - g.ls)
	g.s.left--
	g.now += int64(g.r.intn(4_000_000))
	g.buf = b
	if len(b) >= flushAt {
		g.flush()
	}
	if g.st.Bytes >= g.o.Size {
		g.done = true
	}
	return true
}

// line writes a whole literal line with the main prefix.
func (g *gen) line(s string, kind *int64) {
	b := g.begin()
	b = append(b, s...)
	g.end(b, kind)
}

// gl returns the glyph set for the next line (sometimes cp1252 mojibake).
func (g *gen) gl() *glyphSet {
	if g.r.chance(g.o.MojibakeFrac) {
		return &cp1252Glyphs
	}
	return &utf8Glyphs
}

// sgr appends an SGR colour code ("\x1b[32m" or "[32m") if the session is
// coloured.
func (g *gen) sgr(b []byte, code string) []byte {
	switch g.s.color {
	case 1:
		b = append(b, 0x1b, '[')
	case 2:
		b = append(b, '[')
	default:
		return b
	}
	b = append(b, code...)
	return append(b, 'm')
}

// glyph appends a status glyph, bold and coloured in coloured sessions.
func (g *gen) glyph(b []byte, color, s string) []byte {
	if g.s.color == 0 {
		return append(b, s...)
	}
	b = g.sgr(b, color)
	b = g.sgr(b, "1")
	b = append(b, s...)
	b = g.sgr(b, "22")
	return g.sgr(b, "39")
}

// statusLead appends the leading space status lines had before 16.1.
func (g *gen) statusLead(b []byte) []byte {
	if g.s.fam <= f160 {
		return append(b, ' ')
	}
	return b
}

// statusLine writes " <glyph> text" with the version's padding.
func (g *gen) statusLine(color string, which func(*glyphSet) string, text string) {
	gl := g.gl()
	b := g.statusLead(g.begin())
	b = g.glyph(b, color, which(gl))
	b = append(b, ' ')
	b = append(b, text...)
	g.end(b, &g.st.Compile)
}

// Glyph selectors for statusLine.
func gCheck(gl *glyphSet) string { return gl.check }

// gCircle selects ○.
func gCircle(gl *glyphSet) string { return gl.circle }

// gWarn selects ⚠.
func gWarn(gl *glyphSet) string { return gl.warn }

// gCross selects ⨯.
func gCross(gl *glyphSet) string { return gl.cross }

// ---------------------------------------------------------------------------
// Durations.

// appendMs appends whole milliseconds ("145ms") and returns the exact ns.
func appendMs(b []byte, us int64) ([]byte, int64) {
	ms := (us + 500) / 1000
	if ms < 1 {
		ms = 1
	}
	b = strconv.AppendInt(b, ms, 10)
	return append(b, "ms"...), ms * 1e6
}

// appendDur16 appends a duration the way Next 16 prints it (µs below 1 ms,
// whole ms up to 2 s, "X.Ys" up to 40 s, "Ns" up to 120 s, then "X.Ymin")
// and returns the printed value in ns.
func appendDur16(b []byte, us int64, micro string) ([]byte, int64) {
	switch {
	case us < 1000:
		if us < 1 {
			us = 1
		}
		b = strconv.AppendInt(b, us, 10)
		b = append(b, micro...)
		return append(b, 's'), us * 1e3
	case us <= 2_000_000:
		ms := (us + 500) / 1000
		b = strconv.AppendInt(b, ms, 10)
		return append(b, "ms"...), ms * 1e6
	case us <= 40_000_000:
		t := (us + 50_000) / 100_000
		b = strconv.AppendInt(b, t/10, 10)
		b = append(b, '.', byte('0'+t%10), 's')
		return b, t * 1e8
	case us <= 120_000_000:
		s := (us + 500_000) / 1_000_000
		b = strconv.AppendInt(b, s, 10)
		return append(b, 's'), s * 1e9
	default:
		t := (us + 3_000_000) / 6_000_000
		b = strconv.AppendInt(b, t/10, 10)
		b = append(b, '.', byte('0'+t%10))
		return append(b, "min"...), t * 6e9
	}
}

// appendCompileDur appends a compile time the way store.ts prints it
// ("999ms", "10.6s", "16s").
func appendCompileDur(b []byte, ms int64, spaceMs bool) []byte {
	if ms > 2000 {
		t := (ms + 50) / 100
		b = strconv.AppendInt(b, t/10, 10)
		if t%10 != 0 {
			b = append(b, '.', byte('0'+t%10))
		}
		return append(b, 's')
	}
	b = strconv.AppendInt(b, ms, 10)
	if spaceMs {
		return append(b, " ms"...)
	}
	return append(b, "ms"...)
}

// ---------------------------------------------------------------------------
// Sessions.

var (
	composeMain = []string{"web", "frontend", "app", "next", "tts-frontend", "telegram-frontend"}
	composeSide = []string{"api", "db", "worker", "python-service", "go-service", "redis"}
	turboMain   = []string{"web:dev: ", "@sass-store/web:dev: ", "@vtchat/web:dev: ", "@repo/web:dev: ", "docs:dev: "}
	turboSide   = []string{"api:dev: ", "payload:dev: ", "@repo/worker:dev: "}
	ghJobs      = []string{"frontend\tStart frontend server\t", "e2e\tRun dev server\t", "build\tnext dev (background)\t"}
	hostnames   = []string{"almuratdeMacBook-Pro.local", "822e01df4cab", "dev-box", "DESKTOP-7K3LQ2B", "ip-10-0-3-17"}
	projects    = []string{"web", "bloom-hero", "muva-chat", "dashboard", "@hermes/web-user", "frontend", "my-app"}
)

// composeName returns a compose service name in v1 ("web_1") or v2
// ("web-1") style, unless it is a container_name.
func composeName(name string, v1 bool) string {
	if len(name) > 8 { // container_name: no index
		return name
	}
	if v1 {
		return name + "_1"
	}
	return name + "-1"
}

// padTo pads s with spaces to width n.
func padTo(s string, n int) string {
	for len(s) < n {
		s += " "
	}
	return s
}

// pickPrefixes chooses the main and side prefixes of a session.
func (g *gen) pickPrefixes() {
	s := &g.s
	s.main, s.side = prefix{}, prefix{}
	if !g.r.chance(g.o.PrefixFrac) {
		if g.r.chance(0.3) { // plain `concurrently` default without prefix on next
			s.side = prefix{lit1: "[api] "}
		}
		return
	}
	switch g.r.intn(11) {
	case 0, 1: // GitHub Actions raw log / Azure: 7-digit fraction
		s.main = prefix{ts: ts7, lit2: " "}
		s.side = s.main
	case 2: // gh run view --log: job<TAB>step<TAB>timestamp
		s.main = prefix{lit1: g.r.pickStr(ghJobs), ts: ts7, lit2: " "}
		s.side = s.main
	case 3, 4, 5: // docker compose v2 / v1, optionally with -t timestamps
		v1 := g.r.intn(4) == 0
		mn := composeName(g.r.pickStr(composeMain), v1)
		sn := composeName(g.r.pickStr(composeSide), v1)
		w := max(len(mn), len(sn))
		s.main = prefix{lit1: padTo(mn, w) + "  | ", blank: padTo(mn, w) + "  |"}
		s.side = prefix{lit1: padTo(sn, w) + "  | ", blank: padTo(sn, w) + "  |"}
		if g.r.intn(4) == 0 {
			s.main = prefix{lit1: s.main.lit1, ts: ts9, lit2: " "}
			s.side = prefix{lit1: s.side.lit1, ts: ts9, lit2: " "}
		}
	case 6: // turborepo
		s.main = prefix{lit1: g.r.pickStr(turboMain)}
		s.side = prefix{lit1: g.r.pickStr(turboSide)}
	case 7: // concurrently, sometimes stacked on turbo
		if g.r.intn(2) == 0 {
			s.main = prefix{lit1: "[next] "}
		} else {
			s.main = prefix{lit1: "[next] @chainglass/web:dev: "}
		}
		s.side = prefix{lit1: "[api] "}
	case 8: // pm2 logs, or a pm2 out file with log_date_format
		if g.r.intn(2) == 0 {
			s.main = prefix{lit1: "0|web  | ", blank: "0|web  |"}
			s.side = prefix{lit1: "1|worker  | ", blank: "1|worker  |"}
		} else {
			s.main = prefix{ts: tsPM2, lit2: ": "}
			s.side = s.main
		}
	case 9: // Render / container runtime: 9 digits, trailing zeros trimmed
		s.main = prefix{ts: ts9trim, lit2: " "}
		s.side = s.main
	default: // Cloud Run: 6 digits
		s.main = prefix{ts: ts6, lit2: " "}
		s.side = s.main
	}
}

// startSession begins a new dev-server run and writes its banner.
func (g *gen) startSession() {
	prevPending := g.s.pending[:0]
	g.s = session{pending: prevPending}
	s := &g.s
	s.fam = g.famPick.pick(&g.r)
	s.version = g.r.pickStr(famVersions[s.fam])
	switch {
	case s.fam == f134:
		s.turbo = false
	case s.fam == f14:
		s.turbo = g.r.chance(0.1)
	case s.fam == f15:
		s.turbo = g.r.chance(0.5)
	case g.dev: // webpack names what it compiled; a big app often keeps it
		s.turbo = g.r.chance(0.6)
	default:
		s.turbo = g.r.chance(0.9)
	}
	s.left = g.r.logUniform(300, 40000)
	if g.dev {
		s.left = g.r.logUniform(20_000, 400_000)
	}
	g.pickPrefixes()
	if g.dev {
		s.color = 1
	} else if g.r.chance(g.o.ANSIFrac) {
		s.color = 1
		if g.r.intn(3) == 0 {
			s.color = 2
		}
	}
	s.proxy = s.fam >= f160 && g.r.chance(0.5)
	s.metrics = g.r.chance(0.25) || g.dev
	s.prisma = g.r.chance(0.6)
	s.api = g.r.chance(0.5) || s.side.lit1 == "[api] "
	s.fullURL = g.r.chance(0.3)
	s.port = 3000
	if g.r.intn(5) == 0 {
		s.port = 3000 + g.r.between(1, 9)
	}
	s.host = g.r.pickStr(hostnames)
	s.pid = g.r.between(1000, 99999)
	s.first = true
	switch g.r.intn(3) {
	case 0:
		s.treeLead, s.treeInd = "-  ", "   "
	case 1:
		s.treeLead, s.treeInd = "- ", "  "
	default:
		s.treeLead, s.treeInd = "", ""
	}
	for i := range g.cold {
		g.cold[i] = true
	}
	g.now += int64(g.r.between(5, 3600)) * 1e9
	g.banner()
}

// banner writes the npm script echo, the ▲ banner, Starting and Ready.
func (g *gen) banner() {
	s := &g.s
	if g.r.chance(0.7) {
		b := g.begin()
		b = append(b, "> "...)
		b = append(b, g.r.pickStr(projects)...)
		b = append(b, "@0.1.0 dev"...)
		g.end(b, &g.st.Noise)
		b = g.begin()
		b = append(b, "> next dev"...)
		if s.turbo && s.fam < f160 {
			b = append(b, " --turbopack"...)
		} else if !s.turbo && s.fam >= f160 {
			b = append(b, " --webpack"...)
		}
		if s.port != 3000 {
			b = append(b, " -p "...)
			b = strconv.AppendInt(b, int64(s.port), 10)
		}
		g.end(b, &g.st.Noise)
		g.line("", &g.st.Noise)
	}
	if s.fam == f134 {
		b := g.begin()
		b = append(b, "- ready started server on 0.0.0.0:"...)
		b = strconv.AppendInt(b, int64(s.port), 10)
		b = append(b, ", url: http://localhost:"...)
		b = strconv.AppendInt(b, int64(s.port), 10)
		g.end(b, &g.st.Compile)
		if g.r.chance(0.5) {
			g.line("- info Loaded env from /home/dev/app/.env.local", &g.st.Compile)
		}
		if g.r.chance(0.5) {
			g.line("- warn You have enabled experimental feature (logging) in next.config.js.", &g.st.Compile)
		}
		b = g.begin()
		b = append(b, "- event compiled client and server successfully in "...)
		b = appendCompileDur(b, int64(g.r.between(150, 2500)), true)
		b = append(b, " ("...)
		b = strconv.AppendInt(b, int64(g.r.between(18, 400)), 10)
		b = append(b, " modules)"...)
		g.end(b, &g.st.Compile)
		return
	}
	ind := "  "
	switch {
	case s.fam == f15 || s.fam == f160:
		ind = "   "
	case s.fam >= f161:
		ind = ""
	}
	gl := g.gl()
	b := g.begin()
	b = append(b, ind...)
	b = g.glyph(b, "35", gl.tri)
	b = append(b, " Next.js "...)
	b = append(b, s.version...)
	if s.fam >= f160 {
		if s.turbo {
			b = append(b, " (Turbopack)"...)
		} else {
			b = append(b, " (webpack)"...)
		}
	} else if s.turbo && s.fam == f15 {
		b = append(b, " (Turbopack)"...)
	}
	g.end(b, &g.st.Compile)
	colon := "Local:        "
	if s.fam >= f160 {
		colon = "Local:         "
	}
	b = g.begin()
	b = append(b, ind...)
	b = append(b, "- "...)
	b = append(b, colon...)
	b = append(b, "http://localhost:"...)
	b = strconv.AppendInt(b, int64(s.port), 10)
	g.end(b, &g.st.Compile)
	if s.fam >= f15 && g.r.chance(0.7) {
		b = g.begin()
		b = append(b, ind...)
		if s.fam >= f160 {
			b = append(b, "- Network:       http://192.168."...)
		} else {
			b = append(b, "- Network:      http://192.168."...)
		}
		b = strconv.AppendInt(b, int64(g.r.between(0, 255)), 10)
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(g.r.between(2, 254)), 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(s.port), 10)
		g.end(b, &g.st.Compile)
	}
	if g.r.chance(0.4) {
		g.line(ind+"- Environments: .env.local", &g.st.Compile)
	}
	g.line("", &g.st.Noise)
	g.statusLine("32", gCheck, "Starting...")
	if g.r.chance(0.05) {
		for _, l := range telemetry {
			g.line(l, &g.st.Noise)
		}
	}
	if s.fam >= f160 && g.r.chance(0.3) {
		g.statusLine("33", gWarn, `The "middleware" file convention is deprecated. Please use "proxy" instead. Learn more: https://nextjs.org/docs/messages/middleware-to-proxy`)
	}
	if s.fam >= f161 && g.r.chance(0.15) {
		g.statusLine("33", gWarn, "Warning: Next.js inferred your workspace root, but it may not be correct.")
		g.line(" We detected multiple lockfiles and selected the directory of /home/dev/package-lock.json as the root directory.", &g.st.Noise)
		g.line(" To silence this warning, set `turbopack.root` in your Next.js config", &g.st.Noise)
	}
	b = g.statusLead(g.begin())
	gl = g.gl()
	b = g.glyph(b, "32", gl.check)
	b = append(b, " Ready in "...)
	b = appendCompileDur(b, int64(g.r.logn(900, 0.9)), false)
	g.end(b, &g.st.Compile)
	if s.fam == f163 || (s.fam == f162 && g.r.chance(0.3)) {
		b = g.statusLead(g.begin())
		b = g.glyph(b, "32", g.gl().check)
		b = append(b, " Running next.config.ts took "...)
		b = strconv.AppendInt(b, int64(g.r.between(12, 120)), 10)
		b = append(b, "ms"...)
		g.end(b, &g.st.Compile)
	}
	if s.fam >= f162 && g.r.chance(0.05) {
		b = g.statusLead(g.begin())
		b = g.glyph(b, "32", g.gl().check)
		b = append(b, " Finished filesystem cache database compaction in "...)
		b, _ = appendDur16(b, int64(g.r.logn(3e6, 1)), "µ")
		g.end(b, &g.st.Compile)
	}
	if g.r.chance(0.1) {
		g.line("(node:"+strconv.Itoa(g.s.pid)+") [DEP0040] DeprecationWarning: The `punycode` module is deprecated. Please use a userland alternative instead.", &g.st.Noise)
		g.line("(Use `node --trace-deprecation ...` to show where the warning was created)", &g.st.Noise)
	}
}

var telemetry = []string{
	"Attention: Next.js now collects completely anonymous telemetry regarding usage.",
	"This information is used to shape Next.js' roadmap and prioritize features.",
	"You can learn more, including how to opt-out if you'd not like to participate in this anonymous program, by visiting the following URL:",
	"https://nextjs.org/telemetry",
	"",
}

// ---------------------------------------------------------------------------
// Bursts of requests.

// burst writes a page navigation: a few requests with their sub-lines, then
// noise until the request share is back at its target.
func (g *gen) burst() {
	l0, r0 := g.st.Lines, g.st.Requests
	n := 1
	for n < 14 && g.r.chance(0.55) {
		n++
	}
	for i := 0; i < n && !g.done; i++ {
		g.request(g.pickRoute(), false)
	}
	switch x := g.r.intn(1000); {
	case x < 25:
		g.hmr()
	case x < 30:
		g.errorEvent()
	}
	g.payNoise(r0, l0)
	g.now += int64(g.r.logn(3e9, 1.2))
}

// pickRoute picks a route allowed in this session.
func (g *gen) pickRoute() int {
	for {
		i := g.routeP.pick(&g.r)
		if g.routes[i].webpackOnly && g.s.turbo {
			continue
		}
		return i
	}
}

// hmr writes a hot reload: optional Fast Refresh warning, "Compiled in", and
// invalidates a few routes.
func (g *gen) hmr() {
	s := &g.s
	if g.r.chance(0.3) {
		if g.r.chance(0.5) {
			g.statusLine("33", gWarn, "Fast Refresh had to perform a full reload. Read more: https://nextjs.org/docs/messages/fast-refresh-reload")
		} else {
			g.statusLine("33", gWarn, "Fast Refresh had to perform a full reload when ./src/lib/helpers/"+g.r.pickStr(words)+".ts changed. Read more: https://nextjs.org/docs/messages/fast-refresh-reload")
		}
	}
	if s.fam == f134 {
		g.line("- wait compiling...", &g.st.Compile)
		b := g.begin()
		b = append(b, "- event compiled client and server successfully in "...)
		b = appendCompileDur(b, int64(g.r.logn(400, 0.8)), true)
		b = append(b, " ("...)
		b = strconv.AppendInt(b, int64(g.r.between(200, 3000)), 10)
		b = append(b, " modules)"...)
		g.end(b, &g.st.Compile)
	} else {
		gl := g.gl()
		b := g.statusLead(g.begin())
		b = g.glyph(b, "32", gl.check)
		b = append(b, " Compiled in "...)
		b = appendCompileDur(b, int64(g.r.logn(600, 0.9)), false)
		if !s.turbo {
			b = append(b, " ("...)
			b = strconv.AppendInt(b, int64(g.r.between(400, 9000)), 10)
			b = append(b, " modules)"...)
		}
		g.end(b, &g.st.Compile)
	}
	for i := range g.cold {
		if g.r.chance(0.1) {
			g.cold[i] = true
		}
	}
	if s.metrics && g.r.chance(0.5) { // module reload: in-memory store restarts
		s.metric[g.r.intn(3)] = 0
	}
	if !s.turbo && s.fam != f134 && g.r.chance(0.5) {
		g.request(routeHotUpdate, false)
	}
}

// errorEvent writes a compile or runtime error block and the 500 it causes.
func (g *gen) errorEvent() {
	gl := g.gl()
	b := g.statusLead(g.begin())
	b = g.glyph(b, "31", gl.cross)
	switch g.r.intn(3) {
	case 0:
		b = append(b, " ./src/components/"...)
		b = append(b, g.r.pickStr(components)...)
		b = append(b, ".tsx:"...)
		b = strconv.AppendInt(b, int64(g.r.between(3, 300)), 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(g.r.between(1, 40)), 10)
		g.end(b, &g.st.Compile)
		g.line(g.r.pickStr(compileErrors), &g.st.Noise)
	case 1:
		b = append(b, ' ')
		b = append(b, g.r.pickStr(runtimeErrors)...)
		g.end(b, &g.st.Compile)
		g.stack(g.r.between(3, 9))
		if g.r.chance(0.5) {
			b = g.begin()
			b = append(b, "  digest: '"...)
			b = strconv.AppendInt(b, int64(g.r.between(100000000, 4000000000)), 10)
			b = append(b, "'"...)
			g.end(b, &g.st.Noise)
			g.line("}", &g.st.Noise)
		}
	default:
		b = append(b, " unhandledRejection:  Error: connect ECONNREFUSED 127.0.0.1:5432"...)
		g.end(b, &g.st.Compile)
		g.stack(g.r.between(2, 5))
	}
	g.request(g.pickRoute(), true)
	if g.s.fam >= f15 || g.r.chance(0.3) {
		for n := g.r.between(1, 3); n > 0; n-- {
			g.request(routeStackFrames, false)
		}
	}
}

// stack writes n "    at ..." stack frame lines.
func (g *gen) stack(n int) {
	for i := 0; i < n; i++ {
		b := g.begin()
		b = append(b, "    at "...)
		switch g.r.intn(4) {
		case 0:
			b = append(b, "process.processTicksAndRejections (node:internal/process/task_queues:95:5)"...)
		case 1:
			b = append(b, "async Promise.all (index 0)"...)
		default:
			b = append(b, g.r.pickStr(funcs)...)
			b = append(b, " (webpack-internal:///(rsc)/./src/"...)
			b = append(b, g.r.pickStr(srcFiles)...)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(g.r.between(1, 400)), 10)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(g.r.between(1, 80)), 10)
			b = append(b, ')')
		}
		g.end(b, &g.st.Noise)
	}
}

// ---------------------------------------------------------------------------
// Routes.

type statusW struct{ code, w int }

type methodSpec struct {
	m  string
	w  int
	st []statusW
}

type route struct {
	tmpl        string
	page        bool
	weight      int
	median      float64 // ms
	sigma       float64
	compiles    bool
	webpackOnly bool
	dynamic     bool
	internal    bool   // Next's own endpoint (/_next/**, /__nextjs**)
	ids         string // ProfileDev: the id kind of each [param] (see pIDs)
	methods     []methodSpec
	path        func(g *gen, b []byte, rt *route, method string) []byte
}

// pickMethod chooses one of the route's methods by weight.
func (rt *route) pickMethod(r *rng) *methodSpec {
	if len(rt.methods) == 1 {
		return &rt.methods[0]
	}
	t := 0
	for i := range rt.methods {
		t += rt.methods[i].w
	}
	x := r.intn(t)
	for i := range rt.methods {
		if x < rt.methods[i].w {
			return &rt.methods[i]
		}
		x -= rt.methods[i].w
	}
	return &rt.methods[0]
}

// pickStatus chooses one of the method's status codes by weight.
func (ms *methodSpec) pickStatus(r *rng) int {
	if len(ms.st) == 1 {
		return ms.st[0].code
	}
	t := 0
	for _, s := range ms.st {
		t += s.w
	}
	x := r.intn(t)
	for _, s := range ms.st {
		if x < s.w {
			return s.code
		}
		x -= s.w
	}
	return ms.st[0].code
}

// get builds a GET method with status weights.
func get(st ...statusW) methodSpec { return methodSpec{"GET", 1, st} }

// mth builds a method with a weight and status weights.
func mth(m string, w int, st ...statusW) methodSpec { return methodSpec{m, w, st} }

// sw builds a status code with a weight.
func sw(code, w int) statusW { return statusW{code, w} }

var routes = []route{
	{tmpl: "/", page: true, weight: 60, median: 90, sigma: 0.9, compiles: true, methods: []methodSpec{get(sw(200, 96), sw(500, 4))}, path: pRoot},
	{tmpl: "/", weight: 12, median: 25, sigma: 0.7, methods: []methodSpec{mth("HEAD", 1, sw(200, 1))}, path: pLit},
	{tmpl: "/dashboard", page: true, weight: 30, median: 180, sigma: 0.8, compiles: true, methods: []methodSpec{get(sw(200, 90), sw(307, 10))}, path: pLit},
	{tmpl: "/dashboard/users", page: true, weight: 12, median: 220, sigma: 0.8, compiles: true, methods: []methodSpec{get(sw(200, 1))}, path: pLit},
	{tmpl: "/dashboard/metrics", page: true, weight: 8, median: 350, sigma: 0.8, compiles: true, methods: []methodSpec{get(sw(200, 1))}, path: pLit},
	{tmpl: "/settings", page: true, weight: 8, median: 150, sigma: 0.8, compiles: true, methods: []methodSpec{get(sw(200, 1)), mth("POST", 0, sw(200, 1))}, path: pLit},
	{tmpl: "/login", page: true, weight: 10, median: 80, sigma: 0.8, compiles: true, methods: []methodSpec{get(sw(200, 1)), mth("POST", 1, sw(200, 60), sw(401, 30), sw(500, 5))}, path: pLit},
	{tmpl: "/sign-in", page: true, weight: 6, median: 60, sigma: 0.7, compiles: true, methods: []methodSpec{get(sw(200, 1))}, path: pLit},
	{tmpl: "/api/auth/session", weight: 40, median: 25, sigma: 0.9, compiles: true, methods: []methodSpec{get(sw(200, 85), sw(401, 15))}, path: pLit},
	{tmpl: "/api/auth/[...nextauth]", weight: 10, median: 60, sigma: 0.9, compiles: true, dynamic: true, methods: []methodSpec{mth("GET", 3, sw(200, 1)), mth("POST", 1, sw(200, 80), sw(401, 20))}, path: pNextAuth},
	{tmpl: "/api/users", weight: 15, median: 45, sigma: 0.9, compiles: true, methods: []methodSpec{mth("GET", 4, sw(200, 1)), mth("POST", 1, sw(201, 85), sw(400, 15))}, path: pUsers},
	{tmpl: "/api/users/[id]", weight: 20, median: 35, sigma: 0.9, compiles: true, dynamic: true, methods: []methodSpec{mth("GET", 6, sw(200, 85), sw(404, 10), sw(400, 5)), mth("PATCH", 2, sw(200, 80), sw(400, 20)), mth("DELETE", 1, sw(204, 90), sw(404, 10))}, path: pUserID},
	{tmpl: "/api/products/[id]/history", weight: 6, median: 400, sigma: 1.0, compiles: true, dynamic: true, methods: []methodSpec{get(sw(200, 95), sw(404, 5))}, path: pProductHistory},
	{tmpl: "/api/orders/[id]", weight: 10, median: 60, sigma: 0.9, compiles: true, dynamic: true, methods: []methodSpec{mth("GET", 4, sw(200, 90), sw(404, 10)), mth("PUT", 1, sw(200, 85), sw(400, 15))}, path: pOrder},
	{tmpl: "/products/[slug]", page: true, weight: 15, median: 160, sigma: 0.8, compiles: true, dynamic: true, methods: []methodSpec{get(sw(200, 93), sw(404, 7))}, path: pProduct},
	{tmpl: "/blog/[slug]", page: true, weight: 10, median: 120, sigma: 0.8, compiles: true, dynamic: true, methods: []methodSpec{get(sw(200, 92), sw(404, 8))}, path: pBlog},
	{tmpl: "/[locale]", page: true, weight: 12, median: 110, sigma: 0.8, compiles: true, dynamic: true, methods: []methodSpec{get(sw(200, 1))}, path: pLocale},
	{tmpl: "/[locale]/pricing", page: true, weight: 5, median: 130, sigma: 0.8, compiles: true, dynamic: true, methods: []methodSpec{get(sw(200, 1))}, path: pLocalePricing},
	{tmpl: "/api/search", weight: 12, median: 120, sigma: 1.0, compiles: true, methods: []methodSpec{get(sw(200, 95), sw(400, 5))}, path: pSearch},
	{tmpl: "/api/health", weight: 10, median: 8, sigma: 0.6, compiles: true, methods: []methodSpec{get(sw(200, 97), sw(503, 3))}, path: pLit},
	{tmpl: "/favicon.ico", weight: 8, median: 15, sigma: 0.8, compiles: true, methods: []methodSpec{get(sw(200, 70), sw(304, 20), sw(404, 10))}, path: pLit},
	{tmpl: "/sw.js", weight: 3, median: 20, sigma: 0.9, methods: []methodSpec{get(sw(404, 1))}, path: pLit},
	{tmpl: "/robots.txt", weight: 2, median: 30, sigma: 0.8, methods: []methodSpec{get(sw(200, 50), sw(404, 50))}, path: pRobots},
	{tmpl: "/sitemap.xml", weight: 2, median: 40, sigma: 0.8, compiles: true, methods: []methodSpec{get(sw(200, 1))}, path: pLit},
	{tmpl: "/_next/static/webpack/[hash].webpack.hot-update.json", weight: 5, median: 40, sigma: 1.5, webpackOnly: true, internal: true, methods: []methodSpec{get(sw(404, 1))}, path: pHotUpdate},
	{tmpl: "/__nextjs_original-stack-frames", weight: 1, median: 900, sigma: 0.3, internal: true, methods: []methodSpec{mth("POST", 1, sw(404, 60), sw(200, 40))}, path: pLit},
	{tmpl: "/api/trpc/[trpc]", weight: 15, median: 40, sigma: 1.0, compiles: true, dynamic: true, methods: []methodSpec{mth("GET", 3, sw(200, 90), sw(500, 5), sw(401, 5)), mth("POST", 1, sw(200, 1))}, path: pTrpc},
	{tmpl: "/api/chat/conversations", weight: 5, median: 2500, sigma: 0.9, compiles: true, methods: []methodSpec{mth("POST", 3, sw(201, 85), sw(400, 5), sw(500, 10)), mth("GET", 1, sw(200, 1))}, path: pLit},
	{tmpl: "/api/upload", weight: 3, median: 900, sigma: 0.8, compiles: true, methods: []methodSpec{mth("PUT", 1, sw(201, 85), sw(400, 10), sw(500, 5))}, path: pLit},
	{tmpl: "/api/items/[id]", weight: 8, median: 30, sigma: 0.9, compiles: true, dynamic: true, methods: []methodSpec{mth("OPTIONS", 25, sw(204, 1)), mth("PATCH", 35, sw(200, 85), sw(400, 15)), mth("DELETE", 20, sw(204, 1)), mth("GET", 20, sw(200, 90), sw(404, 10))}, path: pItem},
	{tmpl: "/api/webhooks/stripe", weight: 3, median: 150, sigma: 0.8, compiles: true, methods: []methodSpec{mth("POST", 1, sw(200, 90), sw(400, 10))}, path: pLit},
	{tmpl: "/api/courses/[id]/lessons", weight: 5, median: 180, sigma: 0.9, compiles: true, dynamic: true, methods: []methodSpec{get(sw(200, 90), sw(500, 10))}, path: pCourseLessons},
	{tmpl: "/api/course_lessons", weight: 3, median: 90, sigma: 0.9, compiles: true, methods: []methodSpec{get(sw(200, 80), sw(404, 20))}, path: pCourseQuery},
	{tmpl: "/chat/[id]", page: true, weight: 6, median: 140, sigma: 0.8, compiles: true, dynamic: true, methods: []methodSpec{get(sw(200, 1))}, path: pChat},
	{tmpl: "/api/internal/analytics-metrics", weight: 4, median: 300, sigma: 0.9, compiles: true, methods: []methodSpec{get(sw(200, 1))}, path: pAnalytics},
	{tmpl: "/api/reports/export", weight: 2, median: 1800, sigma: 0.9, compiles: true, methods: []methodSpec{get(sw(200, 90), sw(503, 10))}, path: pExport},
	{tmpl: "/old-pricing", page: true, weight: 2, median: 12, sigma: 0.6, methods: []methodSpec{get(sw(301, 1))}, path: pLit},
	{tmpl: "/account", page: true, weight: 4, median: 40, sigma: 0.8, compiles: true, methods: []methodSpec{get(sw(307, 70), sw(200, 30))}, path: pLit},
	{tmpl: "/api/metrics", weight: 2, median: 15, sigma: 0.7, compiles: true, methods: []methodSpec{get(sw(200, 1))}, path: pLit},
	{tmpl: "/vendor/products", page: true, weight: 5, median: 700, sigma: 0.9, compiles: true, methods: []methodSpec{get(sw(200, 1))}, path: pLit},
	{tmpl: "/api/best-sellers", weight: 4, median: 100, sigma: 0.8, compiles: true, methods: []methodSpec{get(sw(200, 1))}, path: pBestSellers},
}

// routeIndex returns the index of the route with template t and method m.
func routeIndex(t, m string) int {
	for i := range routes {
		if routes[i].tmpl == t && routes[i].methods[0].m == m {
			return i
		}
	}
	panic("genlog: no route " + t)
}

var (
	routeHotUpdate   = routeIndex("/_next/static/webpack/[hash].webpack.hot-update.json", "GET")
	routeStackFrames = routeIndex("/__nextjs_original-stack-frames", "POST")
)

var (
	words      = []string{"backend", "flowers", "birthday", "pricing", "postgres", "invoice", "summer-sale", "red", "blue", "law", "garden", "coffee", "react", "nextjs", "scaling", "cache", "session", "profile", "orders", "roses", "tulips", "export", "report", "beta"}
	locales    = []string{"en", "de", "fr", "es", "ja", "pt-BR"}
	trpcProcs  = []string{"post.list", "user.me", "post.byId", "billing.plan", "post.list,user.me", "notifications.unread"}
	components = []string{"PopUpVendorModal", "Navbar", "ProductCard", "ui/dialog", "CheckoutForm", "Sidebar"}
	funcs      = []string{"handler", "GET", "POST", "Page", "fetchUser", "getServerSession", "async ProductPage", "Object.render", "eval"}
	srcFiles   = []string{"app/page.tsx", "app/api/users/[id]/route.ts", "lib/db.ts", "app/dashboard/page.tsx", "lib/auth.ts", "app/api/chat/conversations/route.ts", "components/ProductCard.tsx"}

	compileErrors = []string{
		"Expected corresponding JSX closing tag for <div>",
		"Module not found: Can't resolve '@radix-ui/react-dialog'",
		"Error:   × Expression expected",
		"Type error: Property 'id' does not exist on type 'never'.",
	}
	runtimeErrors = []string{
		"TypeError: Cannot read properties of undefined (reading 'map')",
		"Error: Invalid `prisma.user.findUnique()` invocation: Can't reach database server at `localhost:5432`",
		"TypeError: req.body.forEach is not a function",
		"[TypeError: Invalid URL] { code: 'ERR_INVALID_URL', input: 'null' }",
		"Error: Dynamic server usage: Route /dashboard couldn't be rendered statically because it used `cookies`.",
	}
)

const hexDigits = "0123456789abcdef"

// appendHex appends n random lowercase hex digits.
func (g *gen) appendHex(b []byte, n int) []byte {
	for n > 0 {
		x := g.r.u64()
		for i := 0; i < 16 && n > 0; i++ {
			b = append(b, hexDigits[x&15])
			x >>= 4
			n--
		}
	}
	return b
}

// appendUUID appends a random version-4 UUID.
func (g *gen) appendUUID(b []byte) []byte {
	b = g.appendHex(b, 8)
	b = append(b, '-')
	b = g.appendHex(b, 4)
	b = append(b, "-4"...)
	b = g.appendHex(b, 3)
	b = append(b, '-', "89ab"[g.r.intn(4)])
	b = g.appendHex(b, 3)
	b = append(b, '-')
	return g.appendHex(b, 12)
}

// appendSlug appends a slug of two or three words.
func (g *gen) appendSlug(b []byte) []byte {
	b = append(b, g.r.pickStr(words)...)
	for n := g.r.between(1, 2); n > 0; n-- {
		b = append(b, '-')
		b = append(b, g.r.pickStr(words)...)
	}
	return b
}

// appendNum appends a random number in [lo, hi].
func (g *gen) appendNum(b []byte, lo, hi int) []byte {
	return strconv.AppendInt(b, int64(g.r.between(lo, hi)), 10)
}

// Path generators: each appends a concrete path (with query) for its route.

// pLit appends the template itself (routes without parameters).
func pLit(g *gen, b []byte, rt *route, _ string) []byte { return append(b, rt.tmpl...) }

// pRoot appends "/", sometimes with a query string.
func pRoot(g *gen, b []byte, _ *route, _ string) []byte {
	switch g.r.intn(40) {
	case 0:
		return append(b, "/?message=I%27m+a+senior+engineer+at+Acme+Corp%2C+remember+that"...)
	case 1:
		return append(b, "/?ref=producthunt"...)
	case 2:
		return append(b, "/?payment=invalid"...)
	case 3:
		return append(b, "/?utm_source=newsletter&utm_medium=email"...)
	}
	return append(b, '/')
}

// pRobots appends /robots.txt, sometimes upper-cased.
func pRobots(g *gen, b []byte, _ *route, _ string) []byte {
	if g.r.intn(10) == 0 {
		return append(b, "/ROBOTS.TXT"...)
	}
	return append(b, "/robots.txt"...)
}

// pNextAuth appends a NextAuth endpoint for the method.
func pNextAuth(g *gen, b []byte, _ *route, m string) []byte {
	if m == "POST" {
		if g.r.intn(3) == 0 {
			return append(b, "/api/auth/signout"...)
		}
		return append(b, "/api/auth/callback/credentials"...)
	}
	if g.r.intn(2) == 0 {
		return append(b, "/api/auth/csrf"...)
	}
	return append(b, "/api/auth/providers"...)
}

// pUsers appends /api/users with no, an empty or a paging query.
func pUsers(g *gen, b []byte, _ *route, m string) []byte {
	b = append(b, "/api/users"...)
	if m != "GET" {
		return b
	}
	switch g.r.intn(5) {
	case 0:
		b = append(b, '?')
	case 1, 2:
		b = append(b, "?page="...)
		b = g.appendNum(b, 1, 40)
		b = append(b, "&limit=20"...)
	}
	return b
}

// pUserID appends /api/users/<number>.
func pUserID(g *gen, b []byte, _ *route, _ string) []byte {
	return g.appendNum(append(b, "/api/users/"...), 1, 99999)
}

// pProductHistory appends /api/products/<uuid>/history?... .
func pProductHistory(g *gen, b []byte, _ *route, _ string) []byte {
	b = g.appendUUID(append(b, "/api/products/"...))
	b = g.appendNum(append(b, "/history?page="...), 1, 9)
	return append(b, "&limit=10&sortBy=date&sortOrder=desc"...)
}

// pOrder appends /api/orders/<24-hex id>.
func pOrder(g *gen, b []byte, _ *route, _ string) []byte {
	return g.appendHex(append(b, "/api/orders/"...), 24)
}

// pProduct appends /products/<slug>.
func pProduct(g *gen, b []byte, _ *route, _ string) []byte {
	return g.appendSlug(append(b, "/products/"...))
}

// pBlog appends /blog/<slug>.
func pBlog(g *gen, b []byte, _ *route, _ string) []byte {
	return g.appendSlug(append(b, "/blog/"...))
}

// pLocale appends /<locale>.
func pLocale(g *gen, b []byte, _ *route, _ string) []byte {
	return append(append(b, '/'), g.r.pickStr(locales)...)
}

// pLocalePricing appends /<locale>/pricing.
func pLocalePricing(g *gen, b []byte, _ *route, _ string) []byte {
	return append(append(append(b, '/'), g.r.pickStr(locales)...), "/pricing"...)
}

// pSearch appends /api/search with +, %2C and multi-key queries.
func pSearch(g *gen, b []byte, _ *route, _ string) []byte {
	b = append(append(b, "/api/search?q="...), g.r.pickStr(words)...)
	switch g.r.intn(4) {
	case 0:
		b = append(b, '+')
	case 1:
		b = append(b, "&scope=flowers&price=Any&sort=Best+Sellers&category=birthday"...)
	case 2:
		b = append(b, "&tags=red%2Cblue&page="...)
		b = g.appendNum(b, 1, 5)
	}
	return b
}

// pHotUpdate appends a webpack hot-update.json path.
func pHotUpdate(g *gen, b []byte, _ *route, _ string) []byte {
	b = g.appendHex(append(b, "/_next/static/webpack/"...), 16)
	return append(b, ".webpack.hot-update.json"...)
}

// pTrpc appends a batched tRPC call with an encoded input.
func pTrpc(g *gen, b []byte, _ *route, _ string) []byte {
	b = append(append(b, "/api/trpc/"...), g.r.pickStr(trpcProcs)...)
	return append(b, "?batch=1&input=%7B%220%22%3A%7B%22json%22%3Anull%7D%7D"...)
}

// pItem appends /api/items/<number or uuid>.
func pItem(g *gen, b []byte, _ *route, _ string) []byte {
	b = append(b, "/api/items/"...)
	if g.r.intn(2) == 0 {
		return g.appendUUID(b)
	}
	return g.appendNum(b, 1, 5000)
}

// pCourseLessons appends /api/courses/<uuid>/lessons.
func pCourseLessons(g *gen, b []byte, _ *route, _ string) []byte {
	b = g.appendUUID(append(b, "/api/courses/"...))
	return append(b, "/lessons"...)
}

// pCourseQuery appends a Payload-style query with bracketed keys.
func pCourseQuery(g *gen, b []byte, _ *route, _ string) []byte {
	b = g.appendUUID(append(b, "/api/course_lessons?where[course_id][equals]="...))
	return append(b, "&sort=lesson_number&depth=2&limit=100"...)
}

// pChat appends /chat/<uuid>.
func pChat(g *gen, b []byte, _ *route, _ string) []byte {
	return g.appendUUID(append(b, "/chat/"...))
}

// pAnalytics appends /api/internal/analytics-metrics?period=... .
func pAnalytics(g *gen, b []byte, _ *route, _ string) []byte {
	return append(append(b, "/api/internal/analytics-metrics?period="...), []string{"24h", "7d", "30d"}[g.r.intn(3)]...)
}

// pExport appends the slow CSV export endpoint.
func pExport(g *gen, b []byte, _ *route, _ string) []byte {
	return append(b, "/api/reports/export?format=csv&from=2025-10-01"...)
}

// pBestSellers appends /api/best-sellers?limit=N.
func pBestSellers(g *gen, b []byte, _ *route, _ string) []byte {
	return g.appendNum(append(b, "/api/best-sellers?limit="...), 4, 12)
}

// ---------------------------------------------------------------------------
// Requests.

// request writes one request with its pre-lines (middleware, Prisma),
// compile lines when the route is cold, the request line itself and its
// sub-lines (fetches, server action, metrics). fail forces a 500.
func (g *gen) request(idx int, fail bool) {
	if g.done {
		return
	}
	s := &g.s
	rt := &g.routes[idx]
	ms := rt.pickMethod(&g.r)
	status := ms.pickStatus(&g.r)
	if fail {
		status = 500
	}
	g.rq.path = rt.path(g, g.rq.path[:0], rt, ms.m)
	path := g.rq.path

	if s.metrics && g.r.chance(g.pMiddleware) {
		b := g.begin()
		b = append(b, "[middleware] === MIDDLEWARE EXECUTING === "...)
		b = append(b, path...)
		g.end(b, &g.st.Noise)
		if g.r.chance(0.5) {
			b = g.begin()
			b = append(b, "[middleware] Full URL: http://localhost:"...)
			b = strconv.AppendInt(b, int64(s.port), 10)
			b = append(b, path...)
			g.end(b, &g.st.Noise)
		}
	}
	if s.prisma && !rt.page && rt.compiles && g.r.chance(0.5) {
		for n := g.r.between(1, 4); n > 0; n-- {
			g.prismaQuery()
		}
	}

	cold := false
	var compileUS int64
	if rt.compiles && g.cold[idx] {
		g.cold[idx] = false
		cold = true
		compileUS = g.compile(rt)
	}
	s.first = false

	renderUS := int64(g.r.logn(rt.median*1000, rt.sigma))
	switch x := g.r.intn(10000); {
	case x < 20: // a stuck query or upstream timeout
		renderUS *= int64(g.r.between(5, 60))
	case x < 23: // a hung request that finally completes
		renderUS = int64(g.r.between(121, 300)) * 1e6
	}
	renderUS = min(max(renderUS, 60), 330_000_000)

	gl := g.gl()
	b := g.begin()
	if s.fam == f134 {
		b = append(b, s.treeLead...)
		b = append(b, "┌ "...)
	} else {
		b = append(b, ' ')
	}
	b = append(b, ms.m...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, ' ')
	b = g.statusCode(b, status)
	b = append(b, " in "...)
	var ns int64
	if s.fam <= f15 {
		b, ns = appendMs(b, compileUS+renderUS)
	} else {
		b, ns = g.appendTotal16(b, gl, compileUS, renderUS, rt)
	}
	g.record(b, rt, ms.m, status, ns, cold)

	if g.done {
		return
	}
	if (rt.page && g.r.chance(0.2)) || (!rt.page && rt.compiles && g.r.chance(0.05)) {
		n := 1
		for n < 5 && g.r.chance(0.35) {
			n++
		}
		g.fetches(n)
	}
	if s.fam >= f160 && ms.m == "POST" && rt.page && g.r.chance(0.7) {
		g.action()
	}
	if s.metrics && rt.compiles && g.r.chance(g.pMetric) {
		g.metricLine()
		if ns > 2e9 && g.r.chance(0.8) {
			g.slowLog(ms.m, path, ns)
		}
	}
}

// reqScratch holds reusable buffers for the current request.
type reqScratch struct {
	path []byte // the request path being written
	url  []byte // a fetch URL before shortening
}

// statusCode appends the status, coloured the way Next colours it.
func (g *gen) statusCode(b []byte, status int) []byte {
	if g.s.color == 0 {
		return strconv.AppendInt(b, int64(status), 10)
	}
	c := "32"
	switch {
	case status >= 500:
		c = "31"
	case status >= 400:
		c = "33"
	case status >= 300:
		c = "34"
	}
	b = g.sgr(b, c)
	b = strconv.AppendInt(b, int64(status), 10)
	return g.sgr(b, "39")
}

// appendTotal16 appends a Next 16 total and its breakdown and returns the
// total in ns.
func (g *gen) appendTotal16(b []byte, gl *glyphSet, compileUS, renderUS int64, rt *route) ([]byte, int64) {
	s := &g.s
	cold := compileUS > 0
	tiny := !cold && rt.methods[0].m == "HEAD" && g.r.intn(4) == 0 // sub-ms health check
	switch {
	case tiny:
		compileUS = int64(g.r.between(20, 200))
		renderUS = int64(g.r.between(150, 600))
	case !cold:
		compileUS = int64(g.r.logn(2500, 1.0))
	}
	var proxyUS, paramsUS int64
	if s.proxy && !tiny {
		proxyUS = int64(g.r.logn(8000, 1.0))
	}
	if s.fam >= f161 && rt.dynamic && g.r.chance(0.3) {
		paramsUS = int64(g.r.logn(1500, 1.0))
	}
	fwUS := int64(g.r.logn(3000, 0.9))
	total := compileUS + proxyUS + paramsUS + renderUS + int64(g.r.logn(300, 1))
	if tiny {
		fwUS = int64(g.r.between(10, 150))
		total = min(compileUS+renderUS+fwUS, 999)
	}
	if s.fam >= f162 {
		total += fwUS
	}
	b, ns := appendDur16(b, total, gl.micro)
	if g.r.chance(0.08) { // no breakdown
		return b, ns
	}
	if s.color != 0 {
		b = g.sgr(b, "2")
	}
	b = append(b, " ("...)
	if s.fam >= f162 {
		b = append(b, "next.js: "...)
		b = g.part(b, gl, compileUS+fwUS)
		if g.r.chance(0.02) { // "(next.js: 2ms)"
			b = append(b, ')')
			if s.color != 0 {
				b = g.sgr(b, "22")
			}
			return b, ns
		}
	} else {
		b = append(b, "compile: "...)
		b = g.part(b, gl, compileUS)
	}
	if proxyUS > 0 {
		b = append(b, ", proxy.ts: "...)
		b = g.part(b, gl, proxyUS)
	}
	if paramsUS > 0 {
		b = append(b, ", generate-params: "...)
		b = g.part(b, gl, paramsUS)
	}
	if s.fam >= f162 {
		b = append(b, ", application-code: "...)
	} else {
		b = append(b, ", render: "...)
	}
	b = g.part(b, gl, renderUS)
	b = append(b, ')')
	if s.color != 0 {
		b = g.sgr(b, "22")
	}
	return b, ns
}

// part appends one breakdown value; 16.0 sometimes printed 1–2 ms as µs
// ("compile: 1835µs").
func (g *gen) part(b []byte, gl *glyphSet, us int64) []byte {
	if g.s.fam == f160 && us >= 1000 && us < 2000 && g.r.intn(2) == 0 {
		b = strconv.AppendInt(b, us, 10)
		b = append(b, gl.micro...)
		return append(b, 's')
	}
	b, _ = appendDur16(b, us, gl.micro)
	return b
}

// record ends a request line and reports it to the counters and callbacks.
func (g *gen) record(b []byte, rt *route, method string, status int, ns int64, cold bool) {
	if !g.end(b, &g.st.Requests) {
		return
	}
	if ns > 2e9 {
		g.st.Slow++
	}
	if rt.internal {
		g.st.Internal++
	}
	if g.o.OnRequest == nil && g.hook == nil {
		return
	}
	path := string(g.rq.path)
	if g.o.OnRequest != nil {
		g.o.OnRequest(method, path, status, time.Duration(ns))
	}
	if g.hook != nil {
		g.hook(&Request{
			Method:   method,
			Path:     path,
			Route:    rt.tmpl,
			Status:   status,
			Duration: time.Duration(ns),
			Line:     g.st.Lines,
			Cold:     cold,
			Family:   Families[g.s.fam],
		})
	}
}

// compile writes the compile lines for a cold route and returns the compile
// time in µs.
func (g *gen) compile(rt *route) int64 {
	s := &g.s
	ms := g.compileMS()
	name := rt.tmpl
	if !rt.page && s.fam >= f14 && s.fam <= f15 && g.r.chance(0.15) {
		name += "/route"
	}
	sfx := "/route" // 13.4 names the file it built
	if rt.page {
		sfx = "/page"
		if name == "/" {
			sfx = "page"
		}
	}
	g.compileLines(name, sfx, ms)
	return ms*1000 + int64(g.r.intn(1000))
}

// compileMS draws a compile time in ms for the session's bundler.
func (g *gen) compileMS() int64 {
	var ms int64
	if g.s.turbo {
		ms = int64(g.r.logn(1200, 0.9))
	} else {
		ms = int64(g.r.logn(2500, 0.8))
	}
	if g.r.chance(0.01) {
		ms *= int64(g.r.between(5, 30))
	}
	return min(max(ms, 40), 110_000)
}

// compileLines writes the lines the session's version prints for a compile
// of name taking ms: 13.4 appends sfx134 to name ("/page", "/route").
func (g *gen) compileLines(name, sfx134 string, ms int64) {
	s := &g.s
	switch {
	case s.fam == f134:
		b := g.begin()
		b = append(b, "- wait compiling "...)
		b = append(b, name...)
		b = append(b, sfx134...)
		b = append(b, " (client and server)..."...)
		g.end(b, &g.st.Compile)
		b = g.begin()
		b = append(b, "- event compiled client and server successfully in "...)
		b = appendCompileDur(b, ms, true)
		b = append(b, " ("...)
		b = g.appendNum(b, 300, 3000)
		b = append(b, " modules)"...)
		g.end(b, &g.st.Compile)
	case s.fam <= f15 || !s.turbo:
		if s.first && !s.turbo && g.r.chance(0.5) {
			b := g.statusLead(g.begin())
			b = g.glyph(b, "32", g.gl().check)
			b = append(b, " Compiled /middleware in "...)
			b = appendCompileDur(b, int64(g.r.between(150, 999)), false)
			b = append(b, " ("...)
			b = g.appendNum(b, 90, 200)
			b = append(b, " modules)"...)
			g.end(b, &g.st.Compile)
		}
		if ms > 500 {
			b := g.statusLead(g.begin())
			b = g.glyph(b, "37", g.gl().circle)
			b = append(b, " Compiling "...)
			b = append(b, name...)
			b = append(b, " ..."...)
			g.end(b, &g.st.Compile)
		}
		b := g.statusLead(g.begin())
		b = g.glyph(b, "32", g.gl().check)
		b = append(b, " Compiled "...)
		b = append(b, name...)
		b = append(b, " in "...)
		b = appendCompileDur(b, ms, false)
		if !s.turbo {
			b = append(b, " ("...)
			b = g.appendNum(b, 300, 9000)
			b = append(b, " modules)"...)
		}
		g.end(b, &g.st.Compile)
	default: // Turbopack in 16.x: "Compiling" only after 3 s, no "Compiled"
		if ms > 3000 {
			b := g.statusLead(g.begin())
			b = g.glyph(b, "37", g.gl().circle)
			b = append(b, " Compiling "...)
			b = append(b, name...)
			b = append(b, " ..."...)
			g.end(b, &g.st.Compile)
		}
	}
}

var fetchBases = []string{
	"https://api.example.com/v1/",
	"http://localhost:3000/api/storage/filesystem?action=",
	"https://fgnkymynpslqpnwfsxth.supabase.co/rest/v1/users?select=*&email=eq.",
	"https://accelerate.prisma-data.net/6.11.1/",
	"https://api.stripe.com/v1/customers/cus_",
	"https://cms.example.com/graphql",
	"https://fakestoreapi.com/products?limit=3",
	"http://127.0.0.1:5001/api/rag/embed-text",
	"https://next-data-api-endpoint.vercel.app/api/random?no-cache",
}

// appendURL appends a fetch URL, shortened the way Next does unless the
// session logs full URLs (host 16, path 24, search 16 characters + "..").
func (g *gen) appendURL(b []byte) []byte {
	u := g.rq.url[:0]
	i := g.r.intn(len(fetchBases))
	u = append(u, fetchBases[i]...)
	switch i {
	case 0:
		u = append(u, g.r.pickStr(words)...)
		if g.r.intn(2) == 0 {
			u = g.appendNum(append(u, "?id="...), 1, 999)
		}
	case 1:
		u = append(u, []string{"binary", "get", "list"}[g.r.intn(3)]...)
		u = g.appendUUID(append(u, "&fileId="...))
	case 2:
		u = append(append(u, g.r.pickStr(words)...), "%40gmail.com"...)
	case 3:
		u = g.appendHex(u, 64)
		u = append(u, "/graphql"...)
	case 4:
		u = g.appendHex(u, 14)
	}
	g.rq.url = u
	if g.s.fullURL {
		return append(b, u...)
	}
	p := 0
	if j := indexOf(u, "://"); j >= 0 {
		p = j + 3
	}
	b = append(b, u[:p]...)
	rest := u[p:]
	h := len(rest)
	if j := indexByte(rest, '/'); j >= 0 {
		h = j
	}
	b = appendTrunc(b, rest[:h], 16)
	rest = rest[h:]
	q := len(rest)
	if j := indexByte(rest, '?'); j >= 0 {
		q = j
	}
	b = appendTrunc(b, rest[:q], 24)
	return appendTrunc(b, rest[q:], 16)
}

// appendTrunc appends s, cut to n bytes plus ".." if longer.
func appendTrunc(b, s []byte, n int) []byte {
	if len(s) > n {
		return append(append(b, s[:n]...), ".."...)
	}
	return append(b, s...)
}

// indexByte returns the index of c in s, or -1.
func indexByte(s []byte, c byte) int {
	for i, x := range s {
		if x == c {
			return i
		}
	}
	return -1
}

// indexOf returns the index of sub in s, or -1.
func indexOf(s []byte, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if string(s[i:i+len(sub)]) == sub {
			return i
		}
	}
	return -1
}

var (
	cacheReasons14 = []string{"cache: no-store", "cache: no-cache", "cache-control: no-cache (hard refresh)", "revalidate: 0"}
	cacheReasons15 = []string{"auto no cache", "auto no cache", "auto no cache", "cache: no-store", "revalidate: 0", "noStore call"}
)

// fetches writes n fetch sub-lines in the session's format.
func (g *gen) fetches(n int) {
	s := &g.s
	for i := 0; i < n && !g.done; i++ {
		gl := g.gl()
		method := "GET"
		if g.r.intn(6) == 0 {
			method = "POST"
		}
		status := 200
		switch g.r.intn(30) {
		case 0:
			status = 404
		case 1:
			status = 201
		case 2:
			status = 500
		case 3:
			status = 406
		case 4:
			status = 204
		}
		ms := int64(g.r.logn(80, 1.2))
		switch {
		case s.fam == f134:
			b := g.begin()
			b = append(append(b, s.treeInd...), gl.vbar...)
			g.end(b, &g.st.Fetch)
			b = g.begin()
			b = append(b, s.treeInd...)
			if i == n-1 {
				b = append(b, gl.corner...)
			} else {
				b = append(b, gl.tee...)
			}
			if i > 0 && g.r.intn(3) == 0 {
				b = append(append(append(b, gl.dash...), gl.dash...), " 1 level "...)
				b = append(append(b, gl.dash...), gl.dash...)
			} else {
				for k := 0; k < 4; k++ {
					b = append(b, gl.dash...)
				}
			}
			b = append(append(append(b, ' '), method...), ' ')
			b = g.appendURL(b)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(status), 10)
			b = append(b, " in "...)
			b = strconv.AppendInt(b, ms/10, 10)
			if g.r.intn(3) == 0 {
				b = append(b, "ms (cache: MISS)"...)
			} else {
				b = append(b, "ms (cache: HIT)"...)
			}
			g.end(b, &g.st.Fetch)
		case s.fam == f14:
			b := g.begin()
			b = append(append(append(b, ' '), gl.vbar...), ' ')
			b = append(append(b, method...), ' ')
			b = g.appendURL(b)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(status), 10)
			b = append(b, " in "...)
			b = strconv.AppendInt(b, ms, 10)
			c := g.r.intn(3)
			b = append(b, []string{"ms (cache: SKIP)", "ms (cache: HIT)", "ms (cache: MISS)"}[c]...)
			g.end(b, &g.st.Fetch)
			if c != 1 && g.r.chance(0.6) {
				b = g.begin()
				b = append(append(append(b, ' '), gl.vbar...), "  "...)
				b = append(append(b, gl.vbar...), "  Cache missed reason: ("...)
				b = append(append(b, g.r.pickStr(cacheReasons14)...), ')')
				g.end(b, &g.st.Fetch)
			}
		default:
			b := g.begin()
			b = append(append(append(b, ' '), gl.vbar...), ' ')
			b = append(append(b, method...), ' ')
			b = g.appendURL(b)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(status), 10)
			b = append(b, " in "...)
			b = strconv.AppendInt(b, ms, 10)
			c := g.r.intn(10)
			switch {
			case c < 6:
				b = append(b, "ms (cache skip)"...)
			case c < 8:
				b = append(b, "ms (cache hit)"...)
			case c < 9:
				b = append(b, "ms (cache miss)"...)
			default:
				b = append(b, "ms (HMR cache)"...)
			}
			g.end(b, &g.st.Fetch)
			if c < 6 || (c == 8 && g.r.chance(0.5)) {
				b = g.begin()
				b = append(append(append(b, ' '), gl.vbar...), ' ')
				b = append(append(b, gl.vbar...), ' ')
				if c < 6 {
					b = append(b, "Cache skipped reason: ("...)
					b = append(b, g.r.pickStr(cacheReasons15)...)
				} else {
					b = append(b, "Cache missed reason: ("...)
					b = append(b, g.r.pickStr(cacheReasons14)...)
				}
				b = append(b, ')')
				g.end(b, &g.st.Fetch)
			}
		}
	}
}

var actions = []struct{ name, args, loc string }{
	{"getPopUpMapVendors", "", "bloom-hero/src/features/pop-up/queries/getPopUpMapVendors.ts"},
	{"invalidateCacheAction", "", "node_modules/@clerk/nextjs/dist/esm/app-router/server-actions.js"},
	{"signInWithPasswordAction", `"test@customer.com", "customer"`, ""},
	{"createPost", "FormData", "src/app/posts/actions.ts"},
	{"updateProfile", `{ name: "Ada" }`, "src/app/settings/actions.ts"},
	{"deleteItem", "42", "src/app/items/actions.ts"},
}

// action writes a 16.x server-action sub-line ("  └─ ƒ fn() in 1ms loc").
func (g *gen) action() {
	gl := g.gl()
	a := actions[g.r.intn(len(actions))]
	b := g.begin()
	b = append(append(append(b, "  "...), gl.corner...), gl.dash...)
	b = append(append(append(b, ' '), gl.fn...), ' ')
	b = append(append(append(append(b, a.name...), '('), a.args...), ')')
	if a.args == "" || g.r.intn(2) == 0 {
		b = append(b, " in "...)
		b = strconv.AppendInt(b, int64(g.r.logn(40, 1.3)), 10)
		b = append(b, "ms"...)
	}
	if a.loc != "" {
		b = append(b, ' ')
		if g.s.color != 0 {
			b = g.sgr(b, "2")
		}
		b = append(b, a.loc...)
		if g.s.color != 0 {
			b = g.sgr(b, "22")
		}
	}
	if g.end(b, &g.st.Fetch) {
		g.st.Actions++
	}
}

var metricTags = [3]string{"[middleware] ", "[performance-logger] ", "[API route] "}

// metricLine writes "[tag] ✓ METRIC RECORDED, new size: N" with a running
// counter per tag that occasionally restarts at 1 (a module reload).
func (g *gen) metricLine() {
	t := 0
	switch x := g.r.intn(10); {
	case x == 0:
		t = 2
	case x < 3:
		t = 1
	}
	if g.r.chance(0.002) {
		g.s.metric[t] = 0
	}
	gl := g.gl()
	b := g.begin()
	b = append(b, metricTags[t]...)
	b = append(b, gl.check...)
	b = append(b, " METRIC RECORDED, new size: "...)
	b = strconv.AppendInt(b, g.s.metric[t]+1, 10)
	if g.end(b, &g.st.Metric) {
		g.s.metric[t]++
	}
}

// slowLog writes the performance-logger's console.warn for a slow request,
// on one line when util.inspect would fit it in 80 columns, else on six.
func (g *gen) slowLog(method string, path []byte, ns int64) {
	if q := indexByte(path, '?'); q >= 0 {
		path = path[:q]
	}
	ms := ns/1e6 + int64(g.r.intn(40)) - 10
	msLen := len(strconv.FormatInt(ms, 10))
	sum := len("path: ''") + len(path) + len("duration: 'ms'") + msLen + len("threshold: '2000ms'") + len("method: ''") + len(method)
	single := 19+sum <= 80
	b := g.begin()
	b = append(b, "[performance-logger] 🐌 SLOW REQUEST: {"...)
	if single {
		b = append(b, " path: '"...)
	} else {
		if !g.end(b, &g.st.Noise) {
			return
		}
		g.st.SlowLog++
		b = append(g.begin(), "  path: '"...)
	}
	b = append(append(b, path...), '\'', ',')
	if !single {
		g.end(b, &g.st.Noise)
		b = append(g.begin(), ' ')
	}
	b = append(b, " duration: '"...)
	b = strconv.AppendInt(b, ms, 10)
	b = append(b, "ms',"...)
	if !single {
		g.end(b, &g.st.Noise)
		b = append(g.begin(), ' ')
	}
	b = append(b, " threshold: '2000ms',"...)
	if !single {
		g.end(b, &g.st.Noise)
		b = append(g.begin(), ' ')
	}
	b = append(append(append(b, " method: '"...), method...), '\'')
	if !single {
		g.end(b, &g.st.Noise)
		b = append(g.begin(), '}')
	} else {
		b = append(b, " }"...)
	}
	if g.end(b, &g.st.Noise) && single {
		g.st.SlowLog++
	}
}

// ---------------------------------------------------------------------------
// Noise: everything that is not a request.

const (
	nzBlank = iota
	nzConsole
	nzObject
	nzPrisma
	nzPino
	nzBrowser
	nzMiddleware
	nzLookalike
	nzSide
	nzAppLogger
	nzError
	nzCount
)

var noiseWeights = [nzCount]int{
	nzBlank:      3,
	nzConsole:    16,
	nzObject:     6,
	nzPrisma:     22,
	nzPino:       22,
	nzBrowser:    5,
	nzMiddleware: 5,
	nzLookalike:  3,
	nzSide:       4,
	nzAppLogger:  8,
	nzError:      1,
}

// Templates expand "~" escapes: ~n number, ~d digit, ~u UUID, ~h 24-hex id,
// ~w word, ~e e-mail, ~p request path, ~t ISO time, ~m milliseconds,
// ~s "2006-01-02 15:04:05.000" time, ~i IPv4 address, ~~ a tilde.
var (
	consoleLines = []string{
		"Received request with params: {}",
		"Parsed params: { sortBy: 'createdAt', sortOrder: 'desc', take: ~n, skip: 0 }",
		"Using sort: { sortField: 'createdAt', orderDirection: 'desc' }",
		"[auth] session refreshed for user ~n",
		"Session: { user: { id: '~u', email: '~e' }, expires: '~t' }",
		"[cache] miss products:list:page=~d",
		"Webhook received: checkout.session.completed evt_~h",
		"🔍 Searching for: ~w",
		"✅ Connected to MongoDB",
		"Redis client connected",
		"[next-auth][debug][CALLBACK_CREDENTIALS] { userId: '~u' }",
		"[ProductHistoryAPI] Fetched ~n rows",
		"user ~e logged in",
		"Fetching data for ~p",
		"revalidating tag products-~d",
		"[i18n] loaded namespace common for locale en",
		"⚡ cache hit for key ~h",
		"Stripe event: invoice.paid (~h)",
	}
	appLoggerLines = []string{
		"[~t] [INFO] [LLM:~h] Structured Request to anthropic/claude-3.7-sonnet",
		"[~t] [ERROR] [API-5002][TID:~u] Alchemy Portfolio EVM API error | DATA: {}",
		"[~t] [DEBUG] [db] pool stats total=10 idle=~d waiting=0",
		"[~t] [WARN] [rate-limit] ~i exceeded 100 req/min",
	}
	objectBlocks = [][]string{
		{"[ProductHistoryAPI] Calling history service: {", "  productSizeId: '~u',", "  statuses: [ 'active', 'diambil' ],", "  limit: 50,", "  sortBy: 'date_proximity',", "  timestamp: '~t'", "}"},
		{"Error fetching unassigned RFIDs: {", "  code: 'PGRST100',", "  details: 'unexpected \"o\" expecting null or trilean value (unknown, true, false)',", "  hint: null,", "  message: '\"failed to parse filter (is.not.null)\" (line 1, column 5)'", "}"},
		{"[~t][FILE:8][jobs-worker][info] ℹ️ Start-Route Antwort erhalten {", "  jobId: '~u',", "  status: 500,", "  statusText: 'Internal Server Error',", "  ok: false", "}"},
		{"body: {", "  email: '~e',", "  items: [ { id: ~n, qty: ~d } ],", "  total: ~n", "}"},
		{"[middleware] request: {", "  method: 'GET',", "  url: 'http://localhost:3000~p',", "  headers: { 'user-agent': 'Mozilla/5.0', cookie: '[redacted]' }", "}"},
	}
	browserLines = []string{
		"[browser] Failed to fetch RSC payload for http://localhost:3000~p. Falling back to browser navigation. TypeError: Failed to fetch",
		"[browser] ⨯ unhandledRejection: AxiosError: Request failed with status code 404",
		"[browser] Uncaught Error: ./app/layout.tsx:4:1",
		"[browser] Warning: Each child in a list should have a unique \"key\" prop.",
		"[browser] SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON  ",
		"[browser] Download the React DevTools for a better development experience: https://react.dev/link/react-devtools",
	}
	middlewareLines = []string{
		"[middleware] === MIDDLEWARE EXECUTING === ~p",
		"[middleware] nextUrl.href: http://localhost:3000~p",
		"[middleware] Subdomain detected: none (from: hostname ) hostname: localhost:3000",
		"[API route] 📈 GENERATING SUMMARY: { metricsStoreSize: 0, storeReference: [] }",
	}
	lookalikeLines = []string{
		"npm http fetch GET 200 https://registry.npmjs.org/~w ~nms (cache miss)",
		"Reloaded 1 of 1140 libraries in 459ms (compile: 60 ms, reload: 144 ms, reassemble: 100 ms).",
		" ✓ src/components/~w.test.tsx (3 tests) ~nms",
		"[HTTP] GET /api/products — 200 — ~dms",
		"Slow request: GET /v1/streams/~n took 1250ms",
		"[perf] GET /api/forum/subspaces 200 12.34ms",
		"--> GET /users?page=~d 200 466ms 4.66kb",
		"<-- GET /health",
		"GET /api/categories?filter=%7B%7D 200 3.572 ms - 121",
		"🐌 SLOW REQUEST: GET /api/v1/sales took 5.23s (status: 200)",
		"✓ Compiled successfully in 2.3s",
	}
	sideLines = []string{
		"INFO:     127.0.0.1:~n - \"GET /health HTTP/1.1\" 200 OK",
		"GET /api/workouts 404 1.959 ms - 151",
		"--> GET /api/v1/system/health 200 ~dms",
		"<-- GET /api/v1/system/health",
		"~s UTC [27] LOG:  checkpoint starting: time",
		"1:M 06 Nov 2025 10:00:00.123 * Background saving started by pid ~n",
		"2025/12/06 13:21:55 Voice clone worker started",
		"@polkadot/util has multiple versions, ensure that there is only one installed.",
	}
)

// tmpl appends template t with its "~" escapes expanded.
func (g *gen) tmpl(b []byte, t string) []byte {
	for {
		i := strings.IndexByte(t, '~')
		if i < 0 || i+1 >= len(t) {
			return append(b, t...)
		}
		b = append(b, t[:i]...)
		switch t[i+1] {
		case 'n':
			b = g.appendNum(b, 1, 9999)
		case 'd':
			b = g.appendNum(b, 1, 9)
		case 'u':
			b = g.appendUUID(b)
		case 'h':
			b = g.appendHex(b, 24)
		case 'w':
			b = append(b, g.r.pickStr(words)...)
		case 'e':
			b = append(append(b, g.r.pickStr(words)...), "@example.com"...)
		case 'p':
			rt := &g.routes[g.pickRoute()]
			b = rt.path(g, b, rt, "GET")
		case 't':
			b = g.appendISOms(b)
		case 's':
			b = g.appendTS(b, tsPM2)
			b = appendPad(append(b, '.'), (g.now%1e9)/1e6, 3)
		case 'm':
			b = g.appendNum(b, 1, 999)
		case 'i':
			b = g.appendNum(append(g.appendNum(append(b, "10.0."...), 0, 255), '.'), 1, 254)
		default:
			b = append(b, t[i+1])
		}
		t = t[i+2:]
	}
}

// tline writes template t as a whole line of the main process.
func (g *gen) tline(t string, kind *int64) {
	g.end(g.tmpl(g.begin(), t), kind)
}

// noise writes one chunk of non-request output (one or more lines).
func (g *gen) noise() {
	s := &g.s
	if g.r.chance(g.o.LongLineFrac) {
		g.longLine()
		return
	}
	switch g.noiseP.pick(&g.r) {
	case nzBlank:
		g.line("", &g.st.Noise)
	case nzObject:
		blk := objectBlocks[g.r.intn(len(objectBlocks))]
		for _, l := range blk {
			g.tline(l, &g.st.Noise)
		}
	case nzPrisma:
		if s.prisma {
			g.prismaQuery()
			return
		}
		g.tline(g.r.pickStr(consoleLines), &g.st.Noise)
	case nzPino:
		if s.api {
			g.pino()
			return
		}
		g.tline(g.r.pickStr(consoleLines), &g.st.Noise)
	case nzBrowser:
		if s.fam >= f160 {
			g.tline(g.r.pickStr(browserLines), &g.st.Noise)
			return
		}
		g.tline(g.r.pickStr(consoleLines), &g.st.Noise)
	case nzMiddleware:
		if s.metrics {
			g.tline(g.r.pickStr(middlewareLines), &g.st.Noise)
			return
		}
		g.tline(g.r.pickStr(consoleLines), &g.st.Noise)
	case nzLookalike:
		g.tline(g.r.pickStr(lookalikeLines), &g.st.Noise)
	case nzSide:
		if s.side.lit1 != "" || s.side.ts != tsNone {
			g.end(g.tmpl(g.beginSide(), g.r.pickStr(sideLines)), &g.st.Noise)
			return
		}
		g.tline(g.r.pickStr(consoleLines), &g.st.Noise)
	case nzAppLogger:
		g.tline(g.r.pickStr(appLoggerLines), &g.st.Noise)
	case nzError:
		g.errorObject()
	default:
		g.tline(g.r.pickStr(consoleLines), &g.st.Noise)
	}
}

var errorHeads = []string{
	"Error: request to ~w failed, reason: socket hang up",
	"Failed to load user ~n: Error: connect ETIMEDOUT 10.0.3.17:5432",
	"[API] Unhandled error TypeError: fetch failed",
	"PrismaClientKnownRequestError: Unique constraint failed on the fields: (`email`)",
}

// errorObject writes a console.error of an Error with a stack.
func (g *gen) errorObject() {
	g.tline(g.r.pickStr(errorHeads), &g.st.Noise)
	g.stack(g.r.between(2, 7))
}

var prismaTables = []struct {
	name string
	cols []string
}{
	{"User", []string{"id", "email", "name", "image", "role", "createdAt", "updatedAt"}},
	{"Product", []string{"id", "name", "slug", "price", "categoryId", "stock", "createdAt"}},
	{"Order", []string{"id", "userId", "status", "total", "currency", "createdAt"}},
	{"Session", []string{"id", "sessionToken", "userId", "expires"}},
	{"Lesson", []string{"id", "courseId", "title", "lessonNumber", "durationSec"}},
}

// prismaQuery writes one Prisma query log line.
func (g *gen) prismaQuery() {
	t := &prismaTables[g.r.intn(len(prismaTables))]
	b := g.begin()
	switch x := g.r.intn(20); {
	case x == 0:
		b = append(b, "prisma:query BEGIN"...)
	case x == 1:
		b = append(b, "prisma:query COMMIT"...)
	case x == 2:
		b = append(b, "prisma:info Starting a postgresql pool with 9 connections."...)
	case x < 6:
		b = append(b, `prisma:query INSERT INTO "public"."`...)
		b = append(b, t.name...)
		b = append(b, `" (`...)
		for i, c := range t.cols {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(append(append(b, '"'), c...), '"')
		}
		b = append(b, ") VALUES ("...)
		for i := range t.cols {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(append(b, '$'), int64(i+1), 10)
		}
		b = append(b, `) RETURNING "public"."`...)
		b = append(append(b, t.name...), `"."id"`...)
	default:
		b = append(b, "prisma:query SELECT "...)
		n := g.r.between(2, len(t.cols))
		for i := 0; i < n; i++ {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, `"public"."`...)
			b = append(b, t.name...)
			b = append(b, `"."`...)
			b = append(append(b, t.cols[i]...), '"')
		}
		b = append(b, ` FROM "public"."`...)
		b = append(b, t.name...)
		b = append(b, `" WHERE ("public"."`...)
		b = append(b, t.name...)
		b = append(b, `"."id" = $1 AND 1=1)`...)
		if g.r.intn(2) == 0 {
			b = append(b, ` ORDER BY "public"."`...)
			b = append(b, t.name...)
			b = append(b, `"."createdAt" DESC`...)
		}
		b = append(b, " LIMIT $2 OFFSET $3"...)
	}
	g.end(b, &g.st.Noise)
}

// pino writes one pino-http line of the API sidecar: an "incoming request",
// or the "request completed" of an earlier one (joined only by reqId).
func (g *gen) pino() {
	s := &g.s
	complete := len(s.pending) > 0 && (len(s.pending) >= 3 || g.r.intn(2) == 0)
	b := g.beginSide()
	b = append(b, `{"level":30,"time":`...)
	b = strconv.AppendInt(b, g.now/1e6, 10)
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(s.pid+7), 10)
	b = append(b, `,"hostname":"`...)
	b = append(b, s.host...)
	b = append(b, `","reqId":"req-`...)
	if complete {
		id := s.pending[0]
		s.pending = append(s.pending[:0], s.pending[1:]...)
		b = strconv.AppendInt(b, id, 36)
		b = append(b, `","res":{"statusCode":`...)
		b = strconv.AppendInt(b, int64([]int{200, 200, 200, 200, 201, 204, 304, 400, 404, 500}[g.r.intn(10)]), 10)
		b = append(b, `},"responseTime":`...)
		b = strconv.AppendFloat(b, g.r.logn(25, 1.3), 'f', -1, 64)
		b = append(b, `,"msg":"request completed"}`...)
	} else {
		s.reqID++
		s.pending = append(s.pending, s.reqID)
		b = strconv.AppendInt(b, s.reqID, 36)
		b = append(b, `","req":{"method":"`...)
		b = append(b, []string{"GET", "GET", "GET", "POST", "OPTIONS", "DELETE"}[g.r.intn(6)]...)
		b = append(b, `","url":"/api/`...)
		switch g.r.intn(3) {
		case 0:
			b = append(b, "wallets/0x"...)
			b = g.appendHex(b, 40)
			b = append(b, "/balance?chain=base"...)
		case 1:
			b = append(b, "auth/login"...)
		default:
			b = append(b, g.r.pickStr(words)...)
		}
		b = append(b, `","hostname":"localhost:3001","remoteAddress":"127.0.0.1","remotePort":`...)
		b = g.appendNum(b, 40000, 65000)
		b = append(b, `},"msg":"incoming request"}`...)
	}
	g.end(b, &g.st.JSON)
}

// longLine writes one line of 60–260 KiB: a stack frame pointing into a
// minified bundle, quoted in full.
func (g *gen) longLine() {
	n := g.r.between(60<<10, 260<<10)
	b := g.begin()
	start := len(b)
	b = append(b, "    at eval (webpack-internal:///(ssr)/./node_modules/.pnpm/some-sdk@2.4.1/node_modules/some-sdk/dist/index.mjs:1:"...)
	for len(b)-start < n {
		b = append(b, "var "...)
		b = append(b, "abcdefghijklmnopqrstuvwxyz"[g.r.intn(26)])
		b = strconv.AppendInt(b, int64(g.r.intn(1000)), 36)
		b = append(b, "=function(e,t){return e&&t?e."...)
		b = g.appendHex(b, 4)
		b = append(b, "(t):void 0};"...)
	}
	b = append(b, ')')
	g.end(b, &g.st.Noise)
}

// payNoise writes noise lines after a burst that began at request r0 and
// line l0, so that requests stay about RequestFrac of all lines: the
// burst's own other lines count, and what is owed carries over.
func (g *gen) payNoise(r0, l0 int64) {
	req := float64(g.st.Requests - r0)
	other := float64(g.st.Lines-l0) - req
	t := g.o.RequestFrac
	g.debt += req*(1-t)/t*(0.5+g.r.f64()) - other
	for g.debt > 0 && !g.done {
		l := g.st.Lines
		g.noise()
		g.debt -= float64(g.st.Lines - l)
	}
}
