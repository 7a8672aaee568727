package genlog

import "strconv"

// This file holds ProfileDev: its route table, its id-carrying paths and
// its bursts, dense with compile lines.

// devCompileFrac is ProfileDev's target share of compile lines (Stats.Compile).
const devCompileFrac = 1.0 / 7

// devTargets are what next dev compiles besides the app's routes.
var devTargets = []string{"/middleware", "/_not-found", "/_error", "/instrumentation"}

// Method mixes of the ProfileDev routes.
var (
	devPage   = []methodSpec{get(sw(200, 93), sw(404, 5), sw(500, 2))}
	devGet    = []methodSpec{get(sw(200, 90), sw(404, 7), sw(500, 3))}
	devCRUD   = []methodSpec{mth("GET", 6, sw(200, 85), sw(404, 10), sw(500, 5)), mth("PATCH", 2, sw(200, 80), sw(400, 15), sw(409, 5)), mth("DELETE", 1, sw(204, 90), sw(404, 10))}
	devList   = []methodSpec{mth("GET", 4, sw(200, 95), sw(401, 5)), mth("POST", 1, sw(201, 85), sw(400, 10), sw(500, 5))}
	devAction = []methodSpec{mth("GET", 5, sw(200, 95), sw(404, 5)), mth("POST", 1, sw(200, 90), sw(500, 10))}
)

// devExtra are the ProfileDev routes beyond the mix's: mostly paths with
// ids. Weight 0 marks routes that are compiled (prefetched, or opened long
// ago) but not requested.
var devExtra = []route{
	// API routes.
	{tmpl: "/api/users/[id]/posts", weight: 10, median: 60, sigma: 0.9, ids: "n", methods: devList},
	{tmpl: "/api/users/[id]/avatar", weight: 6, median: 30, sigma: 0.8, ids: "u", methods: devGet},
	{tmpl: "/api/posts/[id]", weight: 14, median: 40, sigma: 0.9, ids: "h", methods: devCRUD},
	{tmpl: "/api/posts/[id]/comments", weight: 10, median: 70, sigma: 0.9, ids: "h", methods: devList},
	{tmpl: "/api/comments/[commentId]", weight: 6, median: 30, sigma: 0.9, ids: "z", methods: devCRUD},
	{tmpl: "/api/projects/[projectId]", weight: 12, median: 50, sigma: 0.9, ids: "m", methods: devCRUD},
	{tmpl: "/api/projects/[projectId]/tasks", weight: 12, median: 80, sigma: 0.9, ids: "m", methods: devList},
	{tmpl: "/api/projects/[projectId]/tasks/[taskId]", weight: 12, median: 45, sigma: 0.9, ids: "mn", methods: devCRUD},
	{tmpl: "/api/teams/[teamId]/members", weight: 6, median: 60, sigma: 0.9, ids: "u", methods: devList},
	{tmpl: "/api/teams/[teamId]/members/[memberId]", weight: 4, median: 40, sigma: 0.9, ids: "uu", methods: devCRUD},
	{tmpl: "/api/invoices/[invoiceId]", weight: 5, median: 120, sigma: 0.9, ids: "m", methods: devGet},
	{tmpl: "/api/customers/[customerId]", weight: 5, median: 90, sigma: 0.9, ids: "m", methods: devCRUD},
	{tmpl: "/api/files/[fileId]", weight: 6, median: 40, sigma: 1.0, ids: "k", methods: devCRUD},
	{tmpl: "/api/files/[fileId]/download", weight: 4, median: 300, sigma: 1.0, ids: "k", methods: devGet},
	{tmpl: "/api/messages/[id]", weight: 8, median: 35, sigma: 0.9, ids: "u", methods: devCRUD},
	{tmpl: "/api/conversations/[id]/messages", weight: 10, median: 150, sigma: 1.0, ids: "u", methods: devList},
	{tmpl: "/api/notifications/[id]/read", weight: 5, median: 20, sigma: 0.8, ids: "n", methods: []methodSpec{mth("POST", 1, sw(204, 95), sw(404, 5))}},
	{tmpl: "/api/wallets/[address]/balance", weight: 6, median: 400, sigma: 1.0, ids: "w", methods: devGet},
	{tmpl: "/api/tx/[hash]", weight: 3, median: 600, sigma: 1.0, ids: "t", methods: devGet},
	{tmpl: "/api/events/[eventId]", weight: 5, median: 50, sigma: 0.9, ids: "N", methods: devGet},
	{tmpl: "/api/tickets/[id]", weight: 5, median: 45, sigma: 0.9, ids: "n", methods: devCRUD},
	{tmpl: "/api/tickets/[id]/replies", weight: 4, median: 60, sigma: 0.9, ids: "n", methods: devList},
	{tmpl: "/api/v1/workspaces/[workspaceId]", weight: 6, median: 50, sigma: 0.9, ids: "c", methods: devCRUD},
	{tmpl: "/api/v1/workspaces/[workspaceId]/documents/[docId]", weight: 8, median: 70, sigma: 0.9, ids: "cc", methods: devCRUD},
	{tmpl: "/api/images/[...path]", weight: 5, median: 80, sigma: 1.1, ids: "f", methods: devGet},
	{tmpl: "/api/og/[slug]", weight: 3, median: 700, sigma: 0.8, ids: "s", methods: devGet},
	{tmpl: "/api/reports/[reportId]/export", weight: 2, median: 1500, sigma: 0.9, ids: "u", methods: devGet},
	{tmpl: "/api/orgs/[orgSlug]/usage", weight: 3, median: 200, sigma: 0.9, ids: "U", methods: devGet},
	{tmpl: "/api/sessions/[sessionId]", weight: 4, median: 20, sigma: 0.8, ids: "k", methods: []methodSpec{mth("GET", 3, sw(200, 90), sw(401, 10)), mth("DELETE", 1, sw(204, 1))}},
	{tmpl: "/api/cart/[cartId]/items/[itemId]", weight: 5, median: 40, sigma: 0.9, ids: "un", methods: devCRUD},
	{tmpl: "/api/revalidate/[tag]", weight: 2, median: 15, sigma: 0.7, ids: "s", methods: []methodSpec{mth("POST", 1, sw(200, 1))}},
	{tmpl: "/api/cron/[job]", weight: 2, median: 900, sigma: 1.0, ids: "W", methods: devGet},
	{tmpl: "/api/calendar/[date]", weight: 4, median: 60, sigma: 0.9, ids: "d", methods: devGet},
	{tmpl: "/api/links/[shortId]", weight: 4, median: 15, sigma: 0.8, ids: "b", methods: devGet},
	// Pages (app and pages router).
	{tmpl: "/docs/[...slug]", page: true, weight: 12, median: 140, sigma: 0.8, ids: "*", methods: devPage},
	{tmpl: "/users/[id]", page: true, weight: 10, median: 160, sigma: 0.8, ids: "n", methods: devPage},
	{tmpl: "/users/[id]/settings", page: true, weight: 4, median: 170, sigma: 0.8, ids: "n", methods: devAction},
	{tmpl: "/posts/[id]", page: true, weight: 10, median: 130, sigma: 0.8, ids: "h", methods: devPage},
	{tmpl: "/posts/[id]/edit", page: true, weight: 5, median: 190, sigma: 0.8, ids: "h", methods: devAction},
	{tmpl: "/projects/[projectId]", page: true, weight: 12, median: 220, sigma: 0.8, ids: "m", methods: devPage},
	{tmpl: "/projects/[projectId]/settings", page: true, weight: 4, median: 200, sigma: 0.8, ids: "m", methods: devAction},
	{tmpl: "/projects/[projectId]/issues/[issueId]", page: true, weight: 10, median: 240, sigma: 0.8, ids: "mn", methods: devPage},
	{tmpl: "/teams/[teamSlug]", page: true, weight: 4, median: 150, sigma: 0.8, ids: "s", methods: devPage},
	{tmpl: "/[locale]/blog/[slug]", page: true, weight: 8, median: 150, sigma: 0.8, ids: "ls", methods: devPage},
	{tmpl: "/[locale]/products/[slug]", page: true, weight: 8, median: 170, sigma: 0.8, ids: "ls", methods: devPage},
	{tmpl: "/shop/[category]/[productId]", page: true, weight: 8, median: 180, sigma: 0.8, ids: "Wn", methods: devPage},
	{tmpl: "/orders/[orderId]", page: true, weight: 5, median: 140, sigma: 0.8, ids: "h", methods: devPage},
	{tmpl: "/invoices/[invoiceId]", page: true, weight: 3, median: 150, sigma: 0.8, ids: "m", methods: devPage},
	{tmpl: "/c/[conversationId]", page: true, weight: 8, median: 200, sigma: 0.8, ids: "u", methods: devAction},
	{tmpl: "/share/[token]", page: true, weight: 3, median: 90, sigma: 0.8, ids: "z", methods: devPage},
	{tmpl: "/invite/[code]", page: true, weight: 2, median: 80, sigma: 0.8, ids: "b", methods: devPage},
	{tmpl: "/reset-password/[token]", page: true, weight: 1, median: 70, sigma: 0.8, ids: "k", methods: devAction},
	{tmpl: "/dashboard/[workspaceId]", page: true, weight: 12, median: 260, sigma: 0.8, ids: "c", methods: devPage},
	{tmpl: "/dashboard/[workspaceId]/analytics", page: true, weight: 5, median: 450, sigma: 0.9, ids: "c", methods: devPage},
	{tmpl: "/dashboard/[workspaceId]/members/[memberId]", page: true, weight: 4, median: 210, sigma: 0.8, ids: "cu", methods: devPage},
	{tmpl: "/events/[eventId]", page: true, weight: 4, median: 140, sigma: 0.8, ids: "N", methods: devPage},
	{tmpl: "/tickets/[id]", page: true, weight: 4, median: 150, sigma: 0.8, ids: "n", methods: devAction},
	{tmpl: "/[username]", page: true, weight: 6, median: 120, sigma: 0.8, ids: "U", methods: devPage},
	{tmpl: "/[username]/[repo]", page: true, weight: 6, median: 160, sigma: 0.8, ids: "Us", methods: devPage},
	{tmpl: "/p/[shortId]", page: true, weight: 4, median: 60, sigma: 0.8, ids: "b", methods: devPage},
	{tmpl: "/files/[...path]", page: true, weight: 4, median: 130, sigma: 0.9, ids: "f", methods: devPage},
	{tmpl: "/calendar/[date]", page: true, weight: 3, median: 150, sigma: 0.8, ids: "d", methods: devPage},
	// Compiled, not requested.
	{tmpl: "/admin/audit-log/[id]", page: true, ids: "n", methods: devPage},
	{tmpl: "/admin/users/[id]", page: true, ids: "n", methods: devPage},
	{tmpl: "/admin/flags", page: true, methods: devPage},
	{tmpl: "/onboarding/[step]", page: true, ids: "W", methods: devPage},
	{tmpl: "/legal/[...slug]", page: true, ids: "*", methods: devPage},
	{tmpl: "/help/[[...slug]]", page: true, ids: "*", methods: devPage},
	{tmpl: "/changelog/[version]", page: true, ids: "n", methods: devPage},
	{tmpl: "/settings/billing", page: true, methods: devPage},
	{tmpl: "/settings/security", page: true, methods: devPage},
	{tmpl: "/embed/[id]", page: true, ids: "u", methods: devPage},
	{tmpl: "/preview/[...slug]", page: true, ids: "*", methods: devPage},
	{tmpl: "/status", page: true, methods: devPage},
	{tmpl: "/api/admin/backfill", methods: devList},
	{tmpl: "/api/debug/[...path]", ids: "*", methods: devGet},
	{tmpl: "/api/webhooks/[provider]", ids: "W", methods: devList},
}

// devKeep are the mix's routes whose paths carry ids (or that are Next's
// own): ProfileDev keeps their weight.
var devKeep = map[string]bool{
	"/api/users/[id]": true, "/api/products/[id]/history": true, "/api/orders/[id]": true,
	"/api/items/[id]": true, "/api/courses/[id]/lessons": true, "/chat/[id]": true,
	"/products/[slug]": true, "/blog/[slug]": true,
	"/_next/static/webpack/[hash].webpack.hot-update.json": true, "/__nextjs_original-stack-frames": true,
}

// devRoutes is ProfileDev's route table: the mix's routes first (so that
// routeHotUpdate and routeStackFrames stay valid), those without ids a
// fifth as frequent, then devExtra. Every app route compiles.
var devRoutes = func() []route {
	rs := make([]route, 0, len(routes)+len(devExtra))
	for _, rt := range routes {
		if !devKeep[rt.tmpl] {
			rt.weight = max(rt.weight/5, 1)
		}
		rs = append(rs, rt)
	}
	for _, rt := range devExtra {
		rt.compiles = true
		rt.dynamic = rt.ids != ""
		rt.path = pIDs
		rs = append(rs, rt)
	}
	return rs
}()

// burstDev is burst for ProfileDev: before a request, while compile lines
// are owed, it writes a compile (of the request's route, of another target,
// or a hot reload).
func (g *gen) burstDev() {
	l0, r0 := g.st.Lines, g.st.Requests
	lm, cm := l0, g.st.Compile
	settle := func() { // owe devCompileFrac of each line, pay with compile lines
		g.cdebt += float64(g.st.Lines-lm)*devCompileFrac - float64(g.st.Compile-cm)
		lm, cm = g.st.Lines, g.st.Compile
	}
	n := 1
	for n < 14 && g.r.chance(0.55) {
		n++
	}
	for i := 0; i < n && !g.done; i++ {
		idx := g.pickRoute()
		if settle(); g.cdebt > 0 {
			g.devCompile(idx)
		}
		g.request(idx, false)
	}
	if g.r.intn(1000) < 5 {
		g.errorEvent()
	}
	g.payNoise(r0, l0)
	settle()
	g.now += int64(g.r.logn(3e9, 1.2))
}

// devCompile writes one compile before a request of route idx: the route's
// own (the request then waits for it), a hot reload after an edit, or a
// compile of another route or of one of Next's own targets.
func (g *gen) devCompile(idx int) {
	s := &g.s
	turbo16 := s.turbo && s.fam >= f160 // prints only "○ Compiling" after 3 s
	x := g.r.intn(100)
	if turbo16 {
		x += 35 // its short compiles print nothing
	}
	switch {
	case x < 45 && g.routes[idx].compiles && !g.cold[idx]:
		g.cold[idx] = true // request compiles it
		return
	case x >= 45 && x < 55:
		g.hmr()
		return
	}
	ms := g.compileMS()
	if turbo16 && ms <= 3000 {
		ms += 3000
	}
	if g.r.intn(4) == 0 {
		g.compileLines(g.r.pickStr(devTargets), "", ms)
		return
	}
	j := g.r.intn(len(g.routes))
	rt := &g.routes[j]
	if !rt.compiles {
		g.compileLines(g.r.pickStr(devTargets), "", ms)
		return
	}
	sfx := "/route"
	if rt.page {
		sfx = "/page"
	}
	g.compileLines(rt.tmpl, sfx, ms)
	g.cold[j] = false
}

// Id kinds for pIDs, one byte per [param] in route.ids:
//
//	n number          N 18-digit snowflake  u UUID          h 24-hex ObjectId
//	k 32-hex token    w 0x wallet address   t 0x tx hash    s slug
//	m prefixed token  z nanoid              c cuid          d date
//	  ("cus_…")
//	U user name       b short base62        W a word        l locale
//	* 1–4 segments    f segments and a file name
const (
	base62    = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	nanoAlpha = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"
	base36    = "0123456789abcdefghijklmnopqrstuvwxyz"
)

var fileExts = []string{".png", ".jpg", ".webp", ".pdf", ".svg", ".md"}

// appendAlpha appends n characters drawn from alpha.
func (g *gen) appendAlpha(b []byte, alpha string, n int) []byte {
	for i := 0; i < n; i++ {
		b = append(b, alpha[g.r.intn(len(alpha))])
	}
	return b
}

// appendID appends one id of the given kind; a prefixed token takes the
// first three letters of the segment before it ("/invoices/inv_…").
func (g *gen) appendID(b []byte, kind byte, parent string) []byte {
	switch kind {
	case 'n':
		return strconv.AppendInt(b, g.r.logUniform(1, 2e6), 10)
	case 'N':
		return g.appendAlpha(strconv.AppendInt(b, int64(g.r.between(1, 9)), 10), "0123456789", 17)
	case 'u':
		return g.appendUUID(b)
	case 'h':
		return g.appendHex(b, 24)
	case 'k':
		return g.appendHex(b, 32)
	case 'w':
		return g.appendHex(append(b, "0x"...), 40)
	case 't':
		return g.appendHex(append(b, "0x"...), 64)
	case 's':
		return g.appendSlug(b)
	case 'm':
		if len(parent) > 3 {
			parent = parent[:3]
		}
		b = append(append(b, parent...), '_')
		return g.appendAlpha(b, base62, g.r.between(14, 24))
	case 'z':
		return g.appendAlpha(b, nanoAlpha, 21)
	case 'c':
		return g.appendAlpha(append(b, 'c'), base36, 24)
	case 'd':
		b = strconv.AppendInt(b, int64(g.r.between(2023, 2026)), 10)
		b = appendPad(append(b, '-'), int64(g.r.between(1, 12)), 2)
		return appendPad(append(b, '-'), int64(g.r.between(1, 28)), 2)
	case 'U':
		return g.appendNum(append(b, g.r.pickStr(words)...), 1, 9999)
	case 'b':
		return g.appendAlpha(b, base62, 7)
	case 'W':
		return append(b, g.r.pickStr(words)...)
	case 'l':
		return append(b, g.r.pickStr(locales)...)
	case '*', 'f':
		n := g.r.between(1, 4)
		for i := 0; i < n; i++ {
			if i > 0 {
				b = append(b, '/')
			}
			if kind == 'f' && i == n-1 {
				b = g.appendAlpha(b, base36, 12)
				return append(b, g.r.pickStr(fileExts)...)
			}
			b = g.appendSlug(b)
		}
		return b
	}
	return b
}

// pIDs appends the route's template with an id of its kind for each
// [param]; some GETs of pages carry an RSC query, some of others a paging
// or tab query.
func pIDs(g *gen, b []byte, rt *route, method string) []byte {
	t, k, seg := rt.tmpl, 0, 0
	for i := 0; i < len(t); i++ {
		if t[i] != '[' {
			if t[i] == '/' && i+1 < len(t) && t[i+1] != '[' {
				seg = i + 1
			}
			b = append(b, t[i])
			continue
		}
		parent := t[seg : i-1]
		for i < len(t) && t[i] != ']' {
			i++
		}
		for i+1 < len(t) && t[i+1] == ']' { // [[...optional]]
			i++
		}
		if k < len(rt.ids) {
			b = g.appendID(b, rt.ids[k], parent)
		}
		k++
	}
	if method != "GET" {
		return b
	}
	switch x := g.r.intn(20); {
	case x < 3 && rt.page:
		b = g.appendAlpha(append(b, "?_rsc="...), base36, 5)
	case x == 3:
		b = g.appendNum(append(b, "?page="...), 1, 50)
	case x == 4:
		b = append(append(b, "?tab="...), g.r.pickStr(words)...)
	}
	return b
}
