package parser

import (
	"bytes"
	"time"
)

// Apps log requests as objects too: JSON loggers one object a line,
//
//	{"level":30,"time":1629823792029,"req":{"method":"GET","url":"/"},"res":{"statusCode":200},"responseTime":7,"msg":"request completed"}
//	{"timestamp":"2026-05-13T04:45:59.453Z","message":"HTTP request completed","metadata":{"method":"POST","url":"/auth/login","statusCode":500,"durationMs":1158.85}}
//
// and Node's console.log as util.inspect prints objects, on one line or
// several:
//
//	{ method: 'GET', url: '/x', duration: '12.34ms', statusCode: 200 }
//
// An object is a request when it holds a duration, a path and a method or
// a status under the common field names below, at its top level or one
// level down under req, res, request, response, metadata, meta, http,
// data or context. (A path and a duration alone are as likely a file and
// how long it took to read.)
// Durations are numbers of milliseconds or strings with a unit ("15ms",
// "1.2s"). fastify and pino split a request in two lines joined by reqId:
// "incoming request" holds the method and URL, "request completed" the
// status and time; a Stream joins them, and a completed line whose
// incoming line was not seen counts under UnknownRoute.

// objFields is what an object says about a request. The byte slices are
// copies, in buffers reused from object to object.
type objFields struct {
	method   string
	path     []byte
	pathRank int // 0 none, 1 url/path, 2 route
	status   int
	dur      time.Duration
	hasDur   bool
	time     time.Time
	reqID    []byte
	msg      []byte
	tag      string // "phase" or "stage": where the app timed the request
	any      bool   // some field above was seen
}

func (f *objFields) reset() {
	*f = objFields{path: f.path[:0], reqID: f.reqID[:0], msg: f.msg[:0]}
}

// visit is the objectScanner callback that fills f.
func (f *objFields) visit(path []byte, kind valueKind, val []byte) bool {
	key, top := path, true
	if i := bytes.LastIndexByte(path, '.'); i >= 0 {
		if !requestParent(path[:i]) {
			return true
		}
		key, top = path[i+1:], false
	}
	switch string(key) {
	case "method":
		if kind == kindString && f.method == "" {
			f.method = methodOf(val)
		}
	case "url", "path", "originalUrl", "pathname", "uri":
		f.setPath(kind, val, 1)
	case "route":
		f.setPath(kind, val, 2)
	case "statusCode", "status", "status_code", "statuscode":
		if v, ok := status(val); ok && f.status == 0 && (kind == kindNumber || kind == kindString) {
			f.status = v
		}
	case "responseTime", "responseTimeMs", "response_time", "response_time_ms",
		"duration", "durationMs", "duration_ms", "latency", "latencyMs", "latency_ms",
		"elapsed", "elapsedMs", "elapsed_ms", "ms", "timeTaken", "time_taken":
		if !f.hasDur {
			f.dur, f.hasDur = fieldDuration(kind, val)
		}
	case "time", "timestamp", "ts", "@timestamp":
		if top && f.time.IsZero() {
			f.time = fieldTime(kind, val)
		}
	case "reqId", "requestId", "request_id", "req_id":
		f.setID(kind, val)
	case "id":
		if !top && bytes.Equal(path, []byte("req.id")) {
			f.setID(kind, val)
		}
	case "msg", "message":
		if top && kind == kindString && len(f.msg) == 0 {
			f.msg = append(f.msg[:0], val...)
		}
	case "phase", "stage":
		// An app that times a request at several points says which.
		if top && kind == kindString && f.tag == "" && validTag(val) {
			f.tag = tagString(val)
		}
	default:
		return true
	}
	f.any = true
	return true
}

// requestParent reports whether fields under parent describe the request.
func requestParent(parent []byte) bool {
	switch string(parent) {
	case "req", "res", "request", "response", "metadata", "meta", "http", "data", "context":
		return true
	}
	return false
}

func (f *objFields) setPath(kind valueKind, val []byte, rank int) {
	if kind != kindString || (f.pathRank != 0 && f.pathRank <= rank) {
		return
	}
	val = stripOrigin(val)
	if len(val) == 0 || val[0] != '/' {
		return
	}
	f.path = append(f.path[:0], val...)
	f.pathRank = rank
}

func (f *objFields) setID(kind valueKind, val []byte) {
	if len(f.reqID) == 0 && (kind == kindString || kind == kindNumber) && len(val) <= 128 {
		f.reqID = append(f.reqID[:0], val...)
	}
}

// stripOrigin returns the path of an absolute URL, "http://host/x" → "/x".
func stripOrigin(u []byte) []byte {
	for _, scheme := range [...]string{"http://", "https://"} {
		if len(u) > len(scheme) && string(u[:len(scheme)]) == scheme {
			rest := u[len(scheme):]
			if i := bytes.IndexByte(rest, '/'); i >= 0 {
				return rest[i:]
			}
			return []byte("/")
		}
	}
	return u
}

// fieldDuration reads a duration field: a number of milliseconds, or a
// string holding one ("12") or a duration with its unit ("12.34ms").
func fieldDuration(kind valueKind, val []byte) (time.Duration, bool) {
	switch kind {
	case kindNumber:
		return millis(val)
	case kindString:
		if d, ok := millis(val); ok {
			return d, true
		}
		d, n, ok := scanDuration(val, true)
		return d, ok && n == len(val)
	}
	return 0, false
}

// fieldTime reads a timestamp field: epoch milliseconds (pino), epoch
// seconds, or an ISO-8601 string.
func fieldTime(kind valueKind, val []byte) time.Time {
	switch kind {
	case kindNumber:
		d, ok := millis(val) // the number, scaled by 1e6
		if !ok {
			return time.Time{}
		}
		v := int64(d) // epoch value × 1e6
		switch {
		case v >= 1e17: // milliseconds, from 1973
			return time.Unix(0, v).UTC()
		case v >= 1e14 && v < 1e17: // seconds
			return time.Unix(0, v*1000).UTC()
		}
	case kindString:
		if t, n := scanTimestamp(val); n == len(val) {
			return t
		}
	}
	return time.Time{}
}

// objOutcome is what an object line turned out to be.
type objOutcome uint8

const (
	objNone     objOutcome = iota // not a request
	objRequest                    // a request: ev.Request is set
	objIncoming                   // fastify's "incoming request": method and path to remember by reqID
)

// objectSource returns the source of the object that starts at obj[0]
// ('{'): JSON when its first key is double-quoted.
func objectSource(obj []byte) Source {
	i := objSkipSpace(obj, 1)
	if i < len(obj) && (obj[i] == '"' || obj[i] == '}') {
		return SourceJSON
	}
	return SourceObject
}

// scanObject scans obj (starting at '{') into sc.fields, and reports
// whether the object continues past the end of obj. An object broken in
// the middle ("url":"/x"...}) keeps the fields read before the break.
func scanObject(obj []byte, sc *scratch) (open bool) {
	sc.fields.reset()
	n, complete := sc.obj.scan(obj, sc.fields.visit)
	return !complete && n == len(obj)
}

// classify decides what the object scanned into sc.fields is. rec is set
// for objRequest; its Path is empty when only a reqID names the request.
func classify(src Source, sc *scratch, rec *Record) objOutcome {
	f := &sc.fields
	switch {
	case f.hasDur && len(f.path) > 0 && (f.method != "" || f.status > 0):
		*rec = Record{Source: src, Tag: f.tag, Method: f.method, Path: string(f.path), Status: f.status, Duration: f.dur}
		rec.Route = routeOf(rec.Path)
		return objRequest
	case f.hasDur && len(f.reqID) > 0 && (f.status > 0 || bytes.Contains(f.msg, []byte("equest"))):
		*rec = Record{Source: src, Tag: f.tag, Method: f.method, Status: f.status, Duration: f.dur}
		return objRequest
	case !f.hasDur && len(f.reqID) > 0 && len(f.path) > 0:
		return objIncoming
	}
	return objNone
}
