package parser

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Real log lines the scanner must handle.
const (
	objPinoIncoming = `{"level":30,"time":1770035753378,"pid":91843,"hostname":"x","reqId":"req-d","req":{"method":"OPTIONS","url":"/api/wallets/0xA3/balance?chain=base","hostname":"localhost:3001","remoteAddress":"127.0.0.1","remotePort":54840},"msg":"incoming request"}`
	objPinoHTTP     = `{"level":30,"time":1629823792029,"req":{"id":1,"method":"GET","url":"/","query":{},"params":{"0":""},"headers":{"host":"localhost:3000","accept":"*/*"}},"res":{"statusCode":200,"headers":{"etag":"W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\""}},"responseTime":7,"msg":"request completed"}`
	objPinoHTTPSlow = `{"level":30,"time":1629823792029,"req":{"id":2,"method":"POST","url":"/api/report"},"res":{"statusCode":201},"responseTime":4051.0434999987483,"msg":"request completed"}`
	objWinston      = `{"timestamp":"2026-05-13T04:45:59.453Z","level":"info","message":"HTTP request completed","metadata":{"requestId":"75d2","method":"POST","url":"/auth/login","statusCode":500,"durationMs":1158.85}}`
	objPinoFlat     = `{"level":30,"reqId":"…","method":"GET","path":"/api/v1/health","statusCode":200,"durationMs":10,"userId":null,"msg":"request completed"}`
	objNodeSlow     = `{ path: '/api/guest/chat', duration: '2345ms', threshold: '2000ms', method: 'POST' }`
	objNodeReq      = `{ method: 'GET', url: '/x', duration: '12.34ms', statusCode: 200 }`
	objNodeQuery    = `{ sortBy: 'createdAt', sortOrder: 'desc', take: 10, skip: 0 }`
	objNodeStatuses = `{ productSizeId: '81335d70', statuses: [ 'active', 'diambil' ], limit: 50, sortBy: 'date_proximity', timestamp: '2026-02-09T14:57:38.250Z' }`
	objNodePGRST    = `{ code: 'PGRST100', details: 'unexpected "o" expecting null', hint: null, message: '"failed to parse filter (is.not.null)" (line 1, column 5)' }`
	objNodeTimings  = `{ requestId: 'a669', step: 'result', serverTimings: '5118.561299999999ms', statusCode: 200 }`
	objNodeDuration = `{ duration: '45ms', statusCode: 200 }`
	objElided       = `{"reqId":"req-4","req":{"method":"POST","url":"/api/auth/login"...},"msg":"incoming request"}`
	objNodeEmpty    = `{ metricsStoreSize: 0, storeReference: [] }`
	objNodeTokens   = `{ err: [Error: boom], nested: { deep: { x: 1 } }, arr: [Object], fn: [Function: foo], sym: Symbol(a), big: 10n, u: undefined, d: 2026-02-09T14:57:38.250Z }`
)

// objExamples lists every example line; it seeds the fuzz corpus.
var objExamples = []string{
	objPinoIncoming, objPinoHTTP, objPinoHTTPSlow, objWinston, objPinoFlat,
	objNodeSlow, objNodeReq, objNodeQuery, objNodeStatuses, objNodePGRST,
	objNodeTimings, objNodeDuration, objElided, objNodeEmpty, objNodeTokens,
}

// objLeaf is one visited value, copied out of the scanner's buffers.
type objLeaf struct {
	path string
	kind valueKind
	val  string
}

// String formats a leaf for test failure messages.
func (l objLeaf) String() string {
	return fmt.Sprintf("%s=%s(%q)", l.path, objKindName(l.kind), l.val)
}

// objKindName names a valueKind for test failure messages.
func objKindName(k valueKind) string {
	switch k {
	case kindString:
		return "string"
	case kindNumber:
		return "number"
	case kindBool:
		return "bool"
	case kindNull:
		return "null"
	case kindBare:
		return "bare"
	}
	return "kind" + strconv.Itoa(int(k))
}

// objCollect scans b with s and returns every visited leaf.
func objCollect(s *objectScanner, b []byte) (leaves []objLeaf, n int, complete bool) {
	n, complete = s.scan(b, func(path []byte, kind valueKind, val []byte) bool {
		leaves = append(leaves, objLeaf{string(path), kind, string(val)})
		return true
	})
	return leaves, n, complete
}

// objEqualLeaves reports whether a and b hold the same leaves in order.
func objEqualLeaves(a, b []objLeaf) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// objCheckLeaves fails t unless got equals want, listing both.
func objCheckLeaves(t *testing.T, got, want []objLeaf) {
	t.Helper()
	if !objEqualLeaves(got, want) {
		t.Errorf("leaves differ\n got: %v\nwant: %v", got, want)
	}
}

// TestObjectScanExact checks the exact leaf list, n and complete for a
// selection of the example lines and edge cases.
func TestObjectScanExact(t *testing.T) {
	S, N, B, Z, X := kindString, kindNumber, kindBool, kindNull, kindBare
	tests := []struct {
		name     string
		in       string
		n        int // expected n; -1 means len(in)
		complete bool
		want     []objLeaf
	}{
		{"pino incoming request", objPinoIncoming, -1, true, []objLeaf{
			{"level", N, "30"},
			{"time", N, "1770035753378"},
			{"pid", N, "91843"},
			{"hostname", S, "x"},
			{"reqId", S, "req-d"},
			{"req.method", S, "OPTIONS"},
			{"req.url", S, "/api/wallets/0xA3/balance?chain=base"},
			{"req.hostname", S, "localhost:3001"},
			{"req.remoteAddress", S, "127.0.0.1"},
			{"req.remotePort", N, "54840"},
			{"msg", S, "incoming request"},
		}},
		{"winston metadata", objWinston, -1, true, []objLeaf{
			{"timestamp", S, "2026-05-13T04:45:59.453Z"},
			{"level", S, "info"},
			{"message", S, "HTTP request completed"},
			{"metadata.requestId", S, "75d2"},
			{"metadata.method", S, "POST"},
			{"metadata.url", S, "/auth/login"},
			{"metadata.statusCode", N, "500"},
			{"metadata.durationMs", N, "1158.85"},
		}},
		{"node slow request", objNodeSlow, -1, true, []objLeaf{
			{"path", S, "/api/guest/chat"},
			{"duration", S, "2345ms"},
			{"threshold", S, "2000ms"},
			{"method", S, "POST"},
		}},
		{"node string array", objNodeStatuses, -1, true, []objLeaf{
			{"productSizeId", S, "81335d70"},
			{"statuses.0", S, "active"},
			{"statuses.1", S, "diambil"},
			{"limit", N, "50"},
			{"sortBy", S, "date_proximity"},
			{"timestamp", S, "2026-02-09T14:57:38.250Z"},
		}},
		{"node postgrest error", objNodePGRST, -1, true, []objLeaf{
			{"code", S, "PGRST100"},
			{"details", S, `unexpected "o" expecting null`},
			{"hint", Z, "null"},
			{"message", S, `"failed to parse filter (is.not.null)" (line 1, column 5)`},
		}},
		{"node inspect tokens", objNodeTokens, -1, true, []objLeaf{
			{"err", X, "[Error: boom]"},
			{"nested.deep.x", N, "1"},
			{"arr", X, "[Object]"},
			{"fn", X, "[Function: foo]"},
			{"sym", X, "Symbol(a)"},
			{"big", X, "10n"},
			{"u", Z, "undefined"},
			{"d", X, "2026-02-09T14:57:38.250Z"},
		}},
		{"node empty array", objNodeEmpty, -1, true, []objLeaf{
			{"metricsStoreSize", N, "0"},
		}},
		{"elided by author", objElided, strings.Index(objElided, "..."), false, []objLeaf{
			{"reqId", S, "req-4"},
			{"req.method", S, "POST"},
			{"req.url", S, "/api/auth/login"},
		}},
		{"escapes", `{"s":"a\"b\\c\/d\n\t\r\b\f","e":"caf\u00e9","pair":"\ud83d\ude00!","lone":"\ud800x\udc00","mix":"\ud800\u0041",` +
			`x:'\x41\xe9',q:'it\'s',bt:` + "`back\\`tick`" + `,cp:'\u{1F600}',v:'\v\0',bad:'\q\xZZ\u12',cont:'a\` + "\n" + `b'}`, -1, true, []objLeaf{
			{"s", S, "a\"b\\c/d\n\t\r\b\f"},
			{"e", S, "café"},
			{"pair", S, "😀!"},
			{"lone", S, "\uFFFDx\uFFFD"},
			{"mix", S, "\uFFFDA"},
			{"x", S, "Aé"},
			{"q", S, "it's"},
			{"bt", S, "back`tick"},
			{"cp", S, "😀"},
			{"v", S, "\v\x00"},
			{"bad", S, `q\xZZ\u12`},
			{"cont", S, "ab"},
		}},
		{"escaped keys", `{"a\"b":1,'c\'d':2,"\u00e9":3,"k\\":4}`, -1, true, []objLeaf{
			{`a"b`, N, "1"},
			{"c'd", N, "2"},
			{"é", N, "3"},
			{`k\`, N, "4"},
		}},
		{"key styles", `{ $id: 1, _x: 2, a1: 3, 0: 4, 'quoted key': 5, "dq": 6, ` + "`bt`" + `: 7, [Symbol(s)]: 8, 'content-type': 'a' }`, -1, true, []objLeaf{
			{"$id", N, "1"},
			{"_x", N, "2"},
			{"a1", N, "3"},
			{"0", N, "4"},
			{"quoted key", N, "5"},
			{"dq", N, "6"},
			{"bt", N, "7"},
			{"[Symbol(s)]", N, "8"},
			{"content-type", S, "a"},
		}},
		{"numbers", `{a:-1,b:1.5e-3,c:-1E+3,d:0,e:NaN,f:-Infinity,g:10n,h:1e,i:0x1f,j:-,k:1.,l:4051.0434999987483}`, -1, true, []objLeaf{
			{"a", N, "-1"},
			{"b", N, "1.5e-3"},
			{"c", N, "-1E+3"},
			{"d", N, "0"},
			{"e", N, "NaN"},
			{"f", N, "-Infinity"},
			{"g", X, "10n"},
			{"h", X, "1e"},
			{"i", X, "0x1f"},
			{"j", X, "-"},
			{"k", X, "1."},
			{"l", N, "4051.0434999987483"},
		}},
		{"keywords", `{a:true,b:false,c:null,d:undefined,e:nullish,f:[true,null],g:[trueish],h:[ false ]}`, -1, true, []objLeaf{
			{"a", B, "true"},
			{"b", B, "false"},
			{"c", Z, "null"},
			{"d", Z, "undefined"},
			{"e", X, "nullish"},
			{"f.0", B, "true"},
			{"f.1", Z, "null"},
			{"g", X, "[trueish]"},
			{"h.0", B, "false"},
		}},
		{"nested arrays of objects", `{"items":[{"id":1,"tags":["a","b"]},{"id":2,"tags":[],"o":{}}],"m":[[1,2],[3],[]],"z":1}`, -1, true, []objLeaf{
			{"items.0.id", N, "1"},
			{"items.0.tags.0", S, "a"},
			{"items.0.tags.1", S, "b"},
			{"items.1.id", N, "2"},
			{"m.0.0", N, "1"},
			{"m.0.1", N, "2"},
			{"m.1.0", N, "3"},
			{"z", N, "1"},
		}},
		{"node multi-line inspect", "{\n  users: [\n    { id: 1, name: 'a' },\n    { id: 2, name: 'b' },\n    [Object],\n    ... 3 more items\n  ],\n" +
			"  self: [Circular *1],\n  ref: <ref *1> Foo { a: 1, b: [ 2 ] },\n  m: Map(2) { 'a' => 1, 'b' => 2 },\n  p: Promise { <pending> },\n" +
			"  s: Symbol(a,b),\n  g: [Getter/Setter],\n  err: Error: boom\n      at foo (/x.js:1:2)\n      at bar (/y.js:3:4),\n}", -1, true, []objLeaf{
			{"users.0.id", N, "1"},
			{"users.0.name", S, "a"},
			{"users.1.id", N, "2"},
			{"users.1.name", S, "b"},
			{"users.2", X, "[Object]"},
			{"users.3", X, "... 3 more items"},
			{"self", X, "[Circular *1]"},
			{"ref", X, "<ref *1> Foo { a: 1, b: [ 2 ] }"},
			{"m", X, "Map(2) { 'a' => 1, 'b' => 2 }"},
			{"p", X, "Promise { <pending> }"},
			{"s", X, "Symbol(a,b)"},
			{"g", X, "[Getter/Setter]"},
			{"err", X, "Error: boom\n      at foo (/x.js:1:2)\n      at bar (/y.js:3:4)"},
		}},
		{"trailing commas", `{ a: [1, 2,], b: { c: 'x', }, }`, -1, true, []objLeaf{
			{"a.0", N, "1"},
			{"a.1", N, "2"},
			{"b.c", S, "x"},
		}},
		{"empty elements", `{,a:[1,,2],,b:3}`, -1, true, []objLeaf{
			{"a.0", N, "1"},
			{"a.1", N, "2"},
			{"b", N, "3"},
		}},
		{"whitespace everywhere", " \r\n\t{\n\"a\"\n:\n1\n,\r\n'b' :\t[ \n 'x' \n ] \n}\n", len(" \r\n\t{\n\"a\"\n:\n1\n,\r\n'b' :\t[ \n 'x' \n ] \n}"), true, []objLeaf{
			{"a", N, "1"},
			{"b.0", S, "x"},
		}},
		{"trailing text", `{"a":1} {"b":2}`, len(`{"a":1}`), true, []objLeaf{{"a", N, "1"}}},
		{"empty object", `{}`, -1, true, nil},
		{"empty object with spaces", "{ \n }", -1, true, nil},
		{"invalid utf-8 passed through", "{\"s\":\"a\xff\xfeb\",\"t\":'\xc3\\n\x80',\"k\xff\":1}", -1, true, []objLeaf{
			{"s", S, "a\xff\xfeb"},
			{"t", S, "\xc3\n\x80"},
			{"k\xff", N, "1"},
		}},
		{"unterminated string", `{"a":1,"b":"abc`, len(`{"a":1,"b":"abc`), false, []objLeaf{{"a", N, "1"}}},
		{"unterminated escaped quote", `{"a":"x\"}`, len(`{"a":"x\"}`), false, nil},
		{"unterminated key", `{"a":1,"b`, len(`{"a":1,"b`), false, []objLeaf{{"a", N, "1"}}},
		{"cut number", `{"a":12`, len(`{"a":12`), false, nil},
		{"cut keyword", `{"a":tru`, len(`{"a":tru`), false, nil},
		{"cut bare", `{"a":[Object`, len(`{"a":[Object`), false, nil},
		{"cut after value", `{"a":1 `, len(`{"a":1 `), false, []objLeaf{{"a", N, "1"}}},
		{"cut inside nested", `{"a":{"b":[1,`, len(`{"a":{"b":[1,`), false, []objLeaf{{"a.b.0", N, "1"}}},
		{"missing colon", `{"a" 1}`, 5, false, nil},
		{"missing value", `{a:}`, 3, false, nil},
		{"missing comma", `{"a":1 "b":2}`, 7, false, []objLeaf{{"a", N, "1"}}},
		{"mismatched closer", `{"a":[1}`, 7, false, []objLeaf{{"a.0", N, "1"}}},
		{"not an object", `[1,2]`, 0, false, nil},
		{"plain text", `GET /x 200`, 0, false, nil},
		{"empty input", ``, 0, false, nil},
		{"only whitespace", " \n ", 0, false, nil},
	}
	var s objectScanner
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, n, complete := objCollect(&s, []byte(tc.in))
			wantN := tc.n
			if wantN < 0 {
				wantN = len(tc.in)
			}
			if n != wantN || complete != tc.complete {
				t.Errorf("scan = (%d, %v), want (%d, %v)", n, complete, wantN, tc.complete)
			}
			objCheckLeaves(t, got, tc.want)
		})
	}
}

// TestObjectScanKeyFields checks the fields a latency summary needs from every
// example line, and that empty containers produce no leaf.
func TestObjectScanKeyFields(t *testing.T) {
	type field struct {
		kind valueKind
		val  string
	}
	tests := []struct {
		name     string
		in       string
		complete bool
		want     map[string]field
		absent   []string
	}{
		{"pino incoming request", objPinoIncoming, true, map[string]field{
			"req.method": {kindString, "OPTIONS"},
			"req.url":    {kindString, "/api/wallets/0xA3/balance?chain=base"},
			"reqId":      {kindString, "req-d"},
			"msg":        {kindString, "incoming request"},
			"time":       {kindNumber, "1770035753378"},
		}, nil},
		{"pino-http request completed", objPinoHTTP, true, map[string]field{
			"req.id":             {kindNumber, "1"},
			"req.method":         {kindString, "GET"},
			"req.url":            {kindString, "/"},
			"req.params.0":       {kindString, ""},
			"req.headers.host":   {kindString, "localhost:3000"},
			"req.headers.accept": {kindString, "*/*"},
			"res.statusCode":     {kindNumber, "200"},
			"res.headers.etag":   {kindString, `W/"c-Lve95gjOVATpfV8EL5X4nxwjKHE"`},
			"responseTime":       {kindNumber, "7"},
			"msg":                {kindString, "request completed"},
		}, []string{"req.query", "req.params", "res.headers"}},
		{"pino-http slow", objPinoHTTPSlow, true, map[string]field{
			"req.method":     {kindString, "POST"},
			"res.statusCode": {kindNumber, "201"},
			"responseTime":   {kindNumber, "4051.0434999987483"},
		}, nil},
		{"winston metadata", objWinston, true, map[string]field{
			"metadata.durationMs": {kindNumber, "1158.85"},
			"metadata.statusCode": {kindNumber, "500"},
			"metadata.method":     {kindString, "POST"},
			"metadata.url":        {kindString, "/auth/login"},
			"message":             {kindString, "HTTP request completed"},
		}, nil},
		{"pino flat", objPinoFlat, true, map[string]field{
			"reqId":      {kindString, "…"},
			"method":     {kindString, "GET"},
			"path":       {kindString, "/api/v1/health"},
			"statusCode": {kindNumber, "200"},
			"durationMs": {kindNumber, "10"},
			"userId":     {kindNull, "null"},
		}, nil},
		{"node slow request", objNodeSlow, true, map[string]field{
			"duration": {kindString, "2345ms"},
			"path":     {kindString, "/api/guest/chat"},
			"method":   {kindString, "POST"},
		}, nil},
		{"node request", objNodeReq, true, map[string]field{
			"method":     {kindString, "GET"},
			"url":        {kindString, "/x"},
			"duration":   {kindString, "12.34ms"},
			"statusCode": {kindNumber, "200"},
		}, nil},
		{"node query", objNodeQuery, true, map[string]field{
			"sortBy":    {kindString, "createdAt"},
			"sortOrder": {kindString, "desc"},
			"take":      {kindNumber, "10"},
			"skip":      {kindNumber, "0"},
		}, nil},
		{"node statuses", objNodeStatuses, true, map[string]field{
			"statuses.0": {kindString, "active"},
			"statuses.1": {kindString, "diambil"},
			"limit":      {kindNumber, "50"},
		}, []string{"statuses"}},
		{"node postgrest error", objNodePGRST, true, map[string]field{
			"hint": {kindNull, "null"},
			"code": {kindString, "PGRST100"},
		}, nil},
		{"node server timings", objNodeTimings, true, map[string]field{
			"requestId":     {kindString, "a669"},
			"serverTimings": {kindString, "5118.561299999999ms"},
			"statusCode":    {kindNumber, "200"},
		}, nil},
		{"node duration", objNodeDuration, true, map[string]field{
			"duration":   {kindString, "45ms"},
			"statusCode": {kindNumber, "200"},
		}, nil},
		{"elided by author", objElided, false, map[string]field{
			"reqId":      {kindString, "req-4"},
			"req.method": {kindString, "POST"},
		}, []string{"msg"}},
		{"node empty array", objNodeEmpty, true, map[string]field{
			"metricsStoreSize": {kindNumber, "0"},
		}, []string{"storeReference"}},
		{"node inspect tokens", objNodeTokens, true, map[string]field{
			"err":           {kindBare, "[Error: boom]"},
			"nested.deep.x": {kindNumber, "1"},
			"fn":            {kindBare, "[Function: foo]"},
			"big":           {kindBare, "10n"},
			"u":             {kindNull, "undefined"},
		}, nil},
	}
	var s objectScanner
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, n, complete := objCollect(&s, []byte(tc.in))
			if complete != tc.complete {
				t.Errorf("complete = %v, want %v", complete, tc.complete)
			}
			if complete && n != len(tc.in) {
				t.Errorf("n = %d, want %d", n, len(tc.in))
			}
			seen := map[string]field{}
			for _, l := range got {
				if _, dup := seen[l.path]; dup {
					t.Errorf("path %q visited twice", l.path)
				}
				seen[l.path] = field{l.kind, l.val}
			}
			for path, want := range tc.want {
				if f, ok := seen[path]; !ok {
					t.Errorf("%s not visited; got %v", path, got)
				} else if f != want {
					t.Errorf("%s = %s(%q), want %s(%q)", path, objKindName(f.kind), f.val, objKindName(want.kind), want.val)
				}
			}
			for _, path := range tc.absent {
				if _, ok := seen[path]; ok {
					t.Errorf("%s visited, want no leaf", path)
				}
			}
		})
	}
}

// TestObjectScanDepthLimit checks that nesting up to objMaxDepth is walked and
// deeper nesting stops the scan without recursion.
func TestObjectScanDepthLimit(t *testing.T) {
	nested := func(k int) string {
		return "{" + strings.Repeat(`"a":{`, k) + `"x":1` + strings.Repeat("}", k+1)
	}
	var s objectScanner
	in := nested(objMaxDepth - 1)
	got, n, complete := objCollect(&s, []byte(in))
	if !complete || n != len(in) {
		t.Fatalf("depth %d: scan = (%d, %v), want (%d, true)", objMaxDepth, n, complete, len(in))
	}
	objCheckLeaves(t, got, []objLeaf{{strings.Repeat("a.", objMaxDepth-1) + "x", kindNumber, "1"}})

	in = nested(objMaxDepth)
	got, n, complete = objCollect(&s, []byte(in))
	if wantN := 1 + objMaxDepth*len(`"a":{`) - 1; complete || n != wantN {
		t.Errorf("depth %d: scan = (%d, %v), want (%d, false)", objMaxDepth+1, n, complete, wantN)
	}
	objCheckLeaves(t, got, nil)

	in = "{\"a\":1,\"b\":" + strings.Repeat("[", 1<<20)
	got, _, complete = objCollect(&s, []byte(in))
	if complete {
		t.Error("1M nested arrays: complete = true")
	}
	objCheckLeaves(t, got, []objLeaf{{"a", kindNumber, "1"}})
}

// TestObjectScanPathLimit checks that a key path longer than objMaxPath stops
// the scan, and that one exactly at the limit is accepted.
func TestObjectScanPathLimit(t *testing.T) {
	var s objectScanner
	key := strings.Repeat("k", objMaxPath)
	in := `{"a":1,"` + key + `":2}`
	got, n, complete := objCollect(&s, []byte(in))
	if !complete || n != len(in) {
		t.Errorf("path of %d bytes: scan = (%d, %v), want (%d, true)", objMaxPath, n, complete, len(in))
	}
	objCheckLeaves(t, got, []objLeaf{{"a", kindNumber, "1"}, {key, kindNumber, "2"}})

	in = `{"a":1,"` + key + `k":2}`
	got, n, complete = objCollect(&s, []byte(in))
	if complete || n != len(`{"a":1,`) {
		t.Errorf("path of %d bytes: scan = (%d, %v), want (%d, false)", objMaxPath+1, n, complete, len(`{"a":1,`))
	}
	objCheckLeaves(t, got, []objLeaf{{"a", kindNumber, "1"}})

	// The limit applies to the whole dotted path, array indexes included.
	half := strings.Repeat("h", objMaxPath/2)
	in = `{"` + half + `":{"` + half + `":[1]}}`
	got, _, complete = objCollect(&s, []byte(in))
	if complete || len(got) != 0 {
		t.Errorf("nested path past limit: complete = %v, leaves %d, want false, 0", complete, len(got))
	}
	for _, l := range got {
		if len(l.path) > objMaxPath {
			t.Errorf("path of %d bytes visited", len(l.path))
		}
	}
}

// TestObjectScanLargeString checks a 1 MB string value, with and without an
// escape, and that the scanner's buffers are reused correctly afterwards.
func TestObjectScanLargeString(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	var s objectScanner
	for _, tc := range []struct {
		name, raw, want string
	}{
		{"plain", big, big},
		{"escaped", big + `\n` + big[:10], big + "\n" + big[:10]},
		{"single quoted with escaped quotes", `\'` + big + `\'`, "'" + big + "'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := `"`
			if strings.HasPrefix(tc.raw, `\'`) {
				q = `'`
			}
			in := `{"level":30,"big":` + q + tc.raw + q + `,"after":1}`
			got, n, complete := objCollect(&s, []byte(in))
			if !complete || n != len(in) {
				t.Fatalf("scan = (%d, %v), want (%d, true)", n, complete, len(in))
			}
			if len(got) != 3 || got[1].path != "big" || got[1].kind != kindString || got[1].val != tc.want {
				t.Fatalf("big value not visited intact (%d leaves)", len(got))
			}
			objCheckLeaves(t, []objLeaf{got[0], got[2]}, []objLeaf{{"level", kindNumber, "30"}, {"after", kindNumber, "1"}})
		})
	}
	got, _, complete := objCollect(&s, []byte(`{"e":"a\tb","k":"v"}`))
	if !complete {
		t.Fatal("small line after large ones: complete = false")
	}
	objCheckLeaves(t, got, []objLeaf{{"e", kindString, "a\tb"}, {"k", kindString, "v"}})
}

// TestObjectScanStopEarly checks that returning false from visit stops the
// scan right after that value with complete=false.
func TestObjectScanStopEarly(t *testing.T) {
	var s objectScanner
	for _, tc := range []struct {
		name  string
		in    string
		stop  string // path at which visit returns false
		n     int
		paths []string
	}{
		{"pino", objPinoIncoming, "req.method", strings.Index(objPinoIncoming, `"OPTIONS"`) + len(`"OPTIONS"`),
			[]string{"level", "time", "pid", "hostname", "reqId", "req.method"}},
		{"first leaf", objNodeQuery, "sortBy", strings.Index(objNodeQuery, `'createdAt'`) + len(`'createdAt'`), []string{"sortBy"}},
		{"last leaf", objNodeDuration, "statusCode", len(objNodeDuration) - 2, []string{"duration", "statusCode"}},
		{"bare", objNodeTokens, "arr", strings.Index(objNodeTokens, "[Object]") + len("[Object]"), []string{"err", "nested.deep.x", "arr"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var paths []string
			n, complete := s.scan([]byte(tc.in), func(path []byte, _ valueKind, _ []byte) bool {
				paths = append(paths, string(path))
				return string(path) != tc.stop
			})
			if complete || n != tc.n {
				t.Errorf("scan = (%d, %v), want (%d, false)", n, complete, tc.n)
			}
			if strings.Join(paths, " ") != strings.Join(tc.paths, " ") {
				t.Errorf("visited %v, want %v", paths, tc.paths)
			}
		})
	}
}

// TestObjectScanAllocs checks that a warmed-up scanner does not allocate.
func TestObjectScanAllocs(t *testing.T) {
	var s objectScanner
	leaves := 0
	visit := func(path []byte, kind valueKind, val []byte) bool {
		leaves++
		return true
	}
	for _, in := range []string{objPinoIncoming, objPinoHTTP, objNodeTokens, objNodeStatuses} {
		b := []byte(in)
		s.scan(b, visit)
		if allocs := testing.AllocsPerRun(100, func() { s.scan(b, visit) }); allocs != 0 {
			t.Errorf("%.40s...: %v allocs per scan, want 0", in, allocs)
		}
	}
	if leaves == 0 {
		t.Error("no leaves visited")
	}
}

// TestObjectScanMatchesEncodingJSON checks the scanner against encoding/json's
// token stream on JSON example lines.
func TestObjectScanMatchesEncodingJSON(t *testing.T) {
	var s objectScanner
	for _, in := range []string{
		objPinoIncoming, objPinoHTTP, objPinoHTTPSlow, objWinston, objPinoFlat,
		`{"a":[{"b":[[],[{}],[1,-2.5e+10,true,false,null]]}],"c":"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t"}`,
	} {
		if msg := objCompareJSON(&s, []byte(in)); msg != "" {
			t.Errorf("%.40s...: %s", in, msg)
		}
	}
}

// objJSONLeaves flattens the JSON document b into leaves using encoding/json's
// tokenizer, and reports the deepest nesting and the longest element path.
func objJSONLeaves(b []byte) (leaves []objLeaf, depth, maxPath int, err error) {
	type frame struct {
		base  string
		array bool
		index int
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var (
		stack     []frame
		path      string
		expectKey bool
	)
	join := func(seg string) string {
		if len(stack) == 1 {
			return seg
		}
		return stack[len(stack)-1].base + "." + seg
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return leaves, depth, maxPath, nil
		}
		if err != nil {
			return nil, 0, 0, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
			continue
		}
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.array {
				path = join(strconv.Itoa(top.index))
				top.index++
			} else if expectKey {
				path = join(tok.(string))
				maxPath = max(maxPath, len(path))
				expectKey = false
				continue
			}
			maxPath = max(maxPath, len(path))
		}
		switch v := tok.(type) {
		case json.Delim:
			stack = append(stack, frame{base: path, array: v == '['})
			depth = max(depth, len(stack))
			expectKey = v == '{'
			continue
		case string:
			leaves = append(leaves, objLeaf{path, kindString, v})
		case json.Number:
			leaves = append(leaves, objLeaf{path, kindNumber, string(v)})
		case bool:
			leaves = append(leaves, objLeaf{path, kindBool, strconv.FormatBool(v)})
		case nil:
			leaves = append(leaves, objLeaf{path, kindNull, "null"})
		}
		expectKey = len(stack) > 0 && !stack[len(stack)-1].array
	}
}

// objCompareJSON returns a description of how s.scan disagrees with
// encoding/json on b, or "" if they agree or b is not a JSON object the
// scanner must accept whole (valid UTF-8, within the depth and path limits).
func objCompareJSON(s *objectScanner, b []byte) string {
	trimmed := bytes.TrimSpace(b)
	if !json.Valid(b) || !utf8.Valid(b) || len(trimmed) == 0 || trimmed[0] != '{' {
		return ""
	}
	want, depth, maxPath, err := objJSONLeaves(b)
	if err != nil {
		return "encoding/json: " + err.Error()
	}
	if depth > objMaxDepth || maxPath > objMaxPath {
		return ""
	}
	got, n, complete := objCollect(s, b)
	wantN := len(bytes.TrimRight(b, " \t\r\n"))
	if !complete || n != wantN {
		return fmt.Sprintf("scan = (%d, %v), want (%d, true)", n, complete, wantN)
	}
	if !objEqualLeaves(got, want) {
		return fmt.Sprintf("leaves differ\n got: %v\nwant: %v", got, want)
	}
	return ""
}

// FuzzObjectScan checks that scan never panics, keeps n in range, ends a
// complete object at a '}', agrees with encoding/json on valid JSON objects,
// visits a prefix of the full input's leaves on any prefix of the input, and
// gives the same result when rescanning exactly the bytes it consumed.
func FuzzObjectScan(f *testing.F) {
	for _, in := range objExamples {
		f.Add([]byte(in))
	}
	f.Add([]byte(`{"s":"caf\u00e9 \ud83d\ude00 \x41",'k':` + "`t`" + `,a:[1,,2,],}`))
	f.Add([]byte("{\n  err: Error: boom\n    at f (/x.js:1:2),\n  m: Map(1) { 'a' => 1 },\n  r: <ref *1> [Circular *1]\n}"))
	f.Add([]byte("{\"s\":\"a\xff\",\"t\":\"\\u{1F600}\\xe9\"}"))
	var s objectScanner
	f.Fuzz(func(t *testing.T, b []byte) {
		leaves, n, complete := objCollect(&s, b)
		if n < 0 || n > len(b) {
			t.Fatalf("n = %d outside [0, %d]", n, len(b))
		}
		if complete && b[n-1] != '}' {
			t.Fatalf("complete but b[n-1] = %q", b[n-1])
		}
		for _, l := range leaves {
			if l.kind < kindString || l.kind > kindBare {
				t.Fatalf("leaf %v has invalid kind", l)
			}
			if len(l.path) > objMaxPath {
				t.Fatalf("path of %d bytes visited", len(l.path))
			}
			if l.kind != kindString && (l.val == "" || objClass[l.val[0]]&objClsSpace != 0 || objClass[l.val[len(l.val)-1]]&objClsSpace != 0) {
				t.Fatalf("unquoted leaf %v is empty or has surrounding space", l)
			}
		}
		if msg := objCompareJSON(&s, b); msg != "" {
			t.Fatal(msg)
		}
		for _, k := range []int{len(b) / 2, len(b) - 1} {
			if k < 0 {
				continue
			}
			part, _, _ := objCollect(&s, b[:k])
			if len(part) > len(leaves) || !objEqualLeaves(part, leaves[:len(part)]) {
				t.Fatalf("prefix of %d bytes visited %v, not a prefix of %v", k, part, leaves)
			}
		}
		if complete {
			again, n2, complete2 := objCollect(&s, b[:n])
			if n2 != n || !complete2 || !objEqualLeaves(again, leaves) {
				t.Fatalf("rescanning b[:%d] = (%d, %v) %v, want (%d, true) %v", n, n2, complete2, again, n, leaves)
			}
		}
	})
}

// BenchmarkObjectScan measures scanning the pino incoming-request line.
func BenchmarkObjectScan(b *testing.B) {
	objBenchScan(b, objPinoIncoming)
}

// BenchmarkObjectScanInspect measures scanning a util.inspect line with
// arrays and bare tokens.
func BenchmarkObjectScanInspect(b *testing.B) {
	objBenchScan(b, objNodeTokens)
}

// BenchmarkObjectScanPinoHTTP measures scanning the nested pino-http line,
// which has an escaped string.
func BenchmarkObjectScanPinoHTTP(b *testing.B) {
	objBenchScan(b, objPinoHTTP)
}

// objBenchScan benchmarks scanning in with a reused scanner.
func objBenchScan(b *testing.B, in string) {
	line := []byte(in)
	var s objectScanner
	leaves := 0
	visit := func(path []byte, kind valueKind, val []byte) bool {
		leaves++
		return true
	}
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, complete := s.scan(line, visit); !complete {
			b.Fatal("incomplete")
		}
	}
}

func TestObjectStageTag(t *testing.T) {
	p, _ := New(Options{})
	for line, want := range map[string]string{
		`{"level":30,"msg":"request completed","phase":"middleware","method":"GET","url":"/x","statusCode":200,"responseTime":0.4}`: "middleware",
		`{"level":30,"msg":"request completed","stage":"route","method":"GET","url":"/x","statusCode":200,"responseTime":120}`:      "route",
		`{"level":30,"msg":"request completed","method":"GET","url":"/x","statusCode":200,"responseTime":120}`:                      "",
		`{"level":30,"phase":"<script>","method":"GET","url":"/x","statusCode":200,"responseTime":120}`:                             "",
	} {
		ev, err := p.ParseLine([]byte(line))
		if err != nil || ev.Kind != KindRequest || ev.Request.Tag != want {
			t.Errorf("ParseLine(%s) = %v %v, tag %q; want a request tagged %q", line, ev.Kind, err, ev.Request.Tag, want)
		}
	}
}
