// reqstats report: draws the JSON data block of its own page. Every log
// string is put in the page with textContent, never as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("reqstats-data").textContent);
  var state = { sort: "count", dir: -1, filter: "", selected: null, hist: 0, fetchedAt: Date.now() };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function key(r) { return (r.method || "") + " " + r.route; }
  function ms(v) { return String(v); }
  function trim(s) { return s.indexOf(".") >= 0 ? s.replace(/\.?0+$/, "") : s; }
  function human(v) {
    if (v >= 2 * 86400000) return trim((v / 86400000).toFixed(1)) + "d";
    if (v >= 3600000) return trim((v / 3600000).toFixed(1)) + "h";
    if (v >= 60000) return trim((v / 60000).toFixed(1)) + "m";
    if (v >= 1000) return trim((v / 1000).toPrecision(3)) + "s";
    if (v >= 1) return trim(v.toPrecision(3)) + "ms";
    return trim((v * 1000).toPrecision(3)) + "µs";
  }

  function card(label, k, value, wide) {
    var c = el("div", wide ? "card wide" : "card");
    c.appendChild(el("div", "label", label));
    var n = el("div", "num", value);
    if (k) n.setAttribute("data-k", k);
    c.appendChild(n);
    return c;
  }

  function headline(s) {
    var h = document.getElementById("headline");
    clear(h);
    var t = s.totals;
    h.appendChild(card("requests", "totals.count", t.count));
    h.appendChild(card("slow (>" + human(s.settings.slowThresholdMs) + ")", "totals.slow", t.slow));
    h.appendChild(card("p50 ms", "totals.p50Ms", ms(t.p50Ms)));
    h.appendChild(card("p95 ms", "totals.p95Ms", ms(t.p95Ms)));
    h.appendChild(card("p99 ms", "totals.p99Ms", ms(t.p99Ms)));
    h.appendChild(card("5xx errors", "totals.errors5xx", t.errors5xx));
    h.appendChild(card("cold", "totals.cold", t.cold));
    h.appendChild(card("counted source", "settings.source", s.settings.source));
    var span = "no timestamps";
    if (s.time) span = s.time.first + " → " + s.time.last + " (" + human(s.time.durationMs) + ")";
    h.appendChild(card("time span", "", span, true));
  }

  function verdicts() {
    var sec = document.getElementById("verdicts"), ul = document.getElementById("verdict-list");
    clear(ul);
    var any = false;
    data.verdicts.forEach(function (v) {
      any = true;
      ul.appendChild(el("li", "verdict " + v.status, "budget " + v.status + ": " + v.text));
    });
    if (data.baseline) {
      any = true;
      var b = data.baseline;
      ul.appendChild(el("li", "", "against the baseline" + (b.name ? " " + b.name : "") + ": " + b.new + (b.new === 1 ? " new route, " : " new routes, ") + b.vanished + " vanished"));
      b.changes.forEach(function (c) { ul.appendChild(el("li", "verdict " + c.status, c.status + ": " + c.text)); });
    }
    sec.hidden = !any;
  }

  // Canvas helpers, scaled for the device's pixels.
  function ctx2d(canvas) {
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth || canvas.width, h = canvas.height / (canvas._ratio || 1);
    if (!canvas._h) canvas._h = canvas.height;
    h = canvas._h;
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    canvas._ratio = ratio;
    var c = canvas.getContext("2d");
    c.setTransform(ratio, 0, 0, ratio, 0, 0);
    c.clearRect(0, 0, w, h);
    return { c: c, w: w, h: h };
  }
  var css = getComputedStyle(document.documentElement);
  function color(name) { return css.getPropertyValue(name).trim() || "#333"; }

  function logTicks(lo, hi) {
    var out = [];
    for (var e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(Math.pow(10, e));
    return out;
  }

  function timeline(s) {
    var tl = data.timeline, note = document.getElementById("timeline-note");
    var canvas = document.getElementById("timeline");
    var g = ctx2d(canvas), c = g.c;
    if (!tl || tl.points.length === 0) {
      note.textContent = tl ? (data.live ? "No requests yet." : "No requests.") : "No timeline: this page was written without one.";
      return;
    }
    note.textContent = (tl.axis === "time" ? (data.live && !s.time ? "Requests by arrival time" : "Requests by time") : s.time ? "Requests in log order (not every request has a timestamp)" : "Requests in log order (the log has no timestamps)") +
      ", duration on a log scale" + (tl.sampling ? "; showing " + tl.sampling : "") + ".";
    var pts = tl.points, L = 56, R = 12, T = 10, B = 28, W = g.w - L - R, H = g.h - T - B;
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    pts.forEach(function (p) { x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]); var d = Math.max(p[1], 0.01); y0 = Math.min(y0, d); y1 = Math.max(y1, d); });
    tl.markers.forEach(function (m) { x0 = Math.min(x0, m[0]); x1 = Math.max(x1, m[0]); });
    if (x1 === x0) { x1 = x0 + 1; }
    y0 = Math.pow(10, Math.floor(Math.log10(y0))); y1 = Math.pow(10, Math.ceil(Math.log10(y1)));
    if (y1 === y0) y1 = y0 * 10;
    function X(v) { return L + (v - x0) / (x1 - x0) * W; }
    function Y(v) { v = Math.max(v, 0.01); return T + H - (Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) * H; }
    c.font = "11px system-ui, sans-serif"; c.fillStyle = "#5d6678"; c.strokeStyle = "#e6e9ef"; c.lineWidth = 1;
    logTicks(y0, y1).forEach(function (v) {
      if (v < y0 || v > y1) return;
      var y = Math.round(Y(v)) + 0.5;
      c.beginPath(); c.moveTo(L, y); c.lineTo(L + W, y); c.stroke();
      c.fillText(human(v), 4, y + 4);
    });
    for (var i = 0; i <= 5; i++) {
      var xv = x0 + (x1 - x0) * i / 5, label;
      if (tl.axis === "time") label = new Date(tl.start + xv).toISOString().substr(11, x1 - x0 < 60000 ? 12 : 8);
      else label = "#" + Math.round(xv);
      c.fillText(label, Math.min(X(xv) - 10, g.w - 60), g.h - 8);
    }
    var mcol = { compile: "#9aa3b5", start: "#1b9e53", reset: "#b3261e" };
    // Compiles first, faded when there are many, then starts and resets.
    var compiles = tl.markers.filter(function (m) { return m[1] === "compile"; }).length;
    ["compile", "start", "reset"].forEach(function (kind) {
      c.strokeStyle = mcol[kind];
      c.globalAlpha = kind === "compile" ? Math.max(0.08, Math.min(1, 40 / Math.max(1, compiles))) : 1;
      tl.markers.forEach(function (m) {
        if (m[1] !== kind) return;
        var x = Math.round(X(m[0])) + 0.5;
        c.beginPath(); c.moveTo(x, T); c.lineTo(x, T + H); c.stroke();
      });
    });
    c.globalAlpha = 1;
    var r = pts.length > 3000 ? 1.2 : 2.2;
    c.globalAlpha = pts.length > 3000 ? 0.45 : 0.8;
    [0, 1].forEach(function (pass) {
      c.fillStyle = pass ? color("--cold") : color("--warm");
      pts.forEach(function (p) {
        if ((p[2] & 1) !== pass) return;
        c.beginPath(); c.arc(X(p[0]), Y(p[1]), pass ? r + 1 : r, 0, 2 * Math.PI); c.fill();
      });
    });
    c.globalAlpha = 1;
    // Rolling p95 of the points drawn, over a window of 50 (or fewer).
    var win = Math.max(5, Math.min(50, Math.floor(pts.length / 10)));
    c.strokeStyle = color("--p95"); c.lineWidth = 2; c.beginPath();
    var buf = [], started = false;
    pts.forEach(function (p) {
      buf.push(p[1]);
      if (buf.length > win) buf.shift();
      if (buf.length < Math.min(win, pts.length)) return;
      var sorted = buf.slice().sort(function (a, b) { return a - b; });
      var v = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
      if (started) c.lineTo(X(p[0]), Y(v)); else c.moveTo(X(p[0]), Y(v));
      started = true;
    });
    c.stroke();
  }

  function drawHist(canvas, counts, edges) {
    var g = ctx2d(canvas), c = g.c, L = 40, B = 22, T = 8, W = g.w - L - 8, H = g.h - B - T;
    var first = counts.length, last = -1, top = 0;
    counts.forEach(function (n, i) { if (n > 0) { first = Math.min(first, i); last = Math.max(last, i); top = Math.max(top, n); } });
    c.font = "11px system-ui, sans-serif"; c.fillStyle = "#5d6678";
    if (last < 0) { c.fillText("no requests", L, T + 20); return; }
    first = Math.max(0, first - 1); last = Math.min(counts.length - 1, last + 1);
    var n = last - first + 1, bw = W / n;
    for (var i = first; i <= last; i++) {
      var h = counts[i] / top * H, x = L + (i - first) * bw;
      c.fillStyle = color("--warm");
      c.fillRect(x + 1, T + H - h, Math.max(1, bw - 2), h);
      c.fillStyle = "#5d6678";
      if (counts[i] > 0) c.fillText(String(counts[i]), x + 2, T + H - h - 2 < 10 ? 10 : T + H - h - 2);
      if ((i - first) % Math.max(1, Math.round(n / 10)) === 0) c.fillText("≤" + human(i < edges.length ? edges[i] : edges[edges.length - 1] * 10), x, g.h - 6);
    }
    c.fillText(String(top), 4, T + 10);
  }

  function histogram() {
    var tl = data.timeline;
    var canvas = document.getElementById("histogram");
    if (!tl) { ctx2d(canvas); return; }
    drawHist(canvas, tl.hist[state.hist], tl.edges);
  }

  function routeRows(s) {
    var rows = s.routes.map(function (r, i) { return { r: r, i: i }; });
    var f = state.filter.toLowerCase();
    if (f) rows = rows.filter(function (x) { return key(x.r).toLowerCase().indexOf(f) >= 0; });
    var col = state.sort, dir = state.dir;
    rows.sort(function (a, b) {
      var va = col === "bars" ? a.r.p95Ms : a.r[col], vb = col === "bars" ? b.r.p95Ms : b.r[col];
      if (va === undefined) va = ""; if (vb === undefined) vb = "";
      if (va < vb) return -dir; if (va > vb) return dir;
      return a.i - b.i;
    });
    return rows;
  }

  function routes(s) {
    var tbody = document.querySelector("#routes tbody");
    clear(tbody);
    var lo = Infinity, hi = 0;
    s.routes.forEach(function (r) { if (r.count > 0) { lo = Math.min(lo, Math.max(r.p50Ms, 0.01)); hi = Math.max(hi, r.p99Ms); } });
    lo = Math.pow(10, Math.floor(Math.log10(lo === Infinity ? 1 : lo))); hi = Math.max(hi, lo * 10);
    function pos(v) { return Math.max(0, Math.min(100, (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * 100)); }
    routeRows(s).forEach(function (x) {
      var r = x.r, tr = el("tr");
      tr.setAttribute("data-i", x.i);
      if (state.selected === key(r)) tr.className = "sel";
      tr.appendChild(el("td", "", r.method || "*"));
      tr.appendChild(el("td", "route", r.route));
      ["count", "slow", "cold", "errors5xx", "meanMs", "p50Ms", "p95Ms", "p99Ms", "maxMs"].forEach(function (k) {
        var td = el("td", "n", r[k]); td.setAttribute("data-k", k); tr.appendChild(td);
      });
      var td = el("td"), bars = el("div", "bars");
      bars.title = "p50 " + r.p50Ms + "ms · p95 " + r.p95Ms + "ms · p99 " + r.p99Ms + "ms (log scale " + human(lo) + "–" + human(hi) + ")";
      [["b99", r.p99Ms], ["b95", r.p95Ms], ["b50", r.p50Ms]].forEach(function (b) {
        var sp = el("span", b[0]); sp.style.left = "0"; sp.style.width = pos(b[1]).toFixed(2) + "%"; bars.appendChild(sp);
      });
      td.appendChild(bars); tr.appendChild(td);
      tbody.appendChild(tr);
    });
    document.querySelectorAll("#routes th").forEach(function (th) {
      th.className = th.className.replace(/\b(asc|desc)\b/g, "").trim();
      if (th.getAttribute("data-col") === state.sort) th.classList.add(state.dir > 0 ? "asc" : "desc");
    });
  }

  function detail(s) {
    var box = document.getElementById("detail");
    var idx = -1;
    s.routes.forEach(function (r, i) { if (key(r) === state.selected) idx = i; });
    if (idx < 0) { box.hidden = true; return; }
    box.hidden = false;
    var r = s.routes[idx];
    document.getElementById("detail-title").textContent = (r.method ? r.method + " " : "") + r.route + " · " + r.count + " requests";
    var tl = data.timeline, rt = tl && tl.routes[idx];
    var counts = [];
    if (tl) { for (var i = 0; i <= tl.edges.length; i++) counts.push(0); }
    if (rt) rt.hist.forEach(function (h) { counts[h[0]] = h[1]; });
    drawHist(document.getElementById("detail-hist"), counts, tl ? tl.edges : []);
    var tbody = document.querySelector("#detail-slowest tbody");
    clear(tbody);
    (rt ? rt.slowest : []).forEach(function (q, i) {
      var tr = el("tr");
      tr.appendChild(el("td", "", q.method));
      tr.appendChild(el("td", "path", q.path + (rt.colds[i] ? "  (cold)" : "")));
      tr.appendChild(el("td", "n", q.status || "–"));
      tr.appendChild(el("td", "n", q.durationMs));
      tr.appendChild(el("td", "path", q.file + ":" + q.line));
      tbody.appendChild(tr);
    });
  }

  function phases(s) {
    var tl = data.timeline, sec = document.getElementById("phases-section"), tbody = document.querySelector("#phases tbody");
    clear(tbody);
    var any = false;
    if (tl) s.routes.forEach(function (r, i) {
      var rt = tl.routes[i];
      if (!rt || rt.phased === 0) return;
      any = true;
      var total = 0, app = 0;
      rt.phases.forEach(function (p) { total += p[1]; if (p[0] === "application-code") app += p[1]; });
      var tr = el("tr");
      tr.appendChild(el("td", "route", (r.method ? r.method + " " : "") + r.route));
      tr.appendChild(el("td", "n", rt.phased));
      var td = el("td"), bar = el("div", "phasebar"), labels = el("div", "phaselabels");
      labels.textContent = rt.phases.map(function (p) { return p[0] + " " + human(p[1] / rt.phased); }).join(" · ");
      rt.phases.forEach(function (p) { var sp = el("span"); sp.title = p[0]; sp.style.width = (total ? p[1] / total * 100 : 0).toFixed(2) + "%"; bar.appendChild(sp); });
      td.appendChild(bar); td.appendChild(labels); tr.appendChild(td);
      tr.appendChild(el("td", "n", total ? (app / total * 100).toFixed(1) + "%" : "–"));
      tbody.appendChild(tr);
    });
    sec.hidden = !any;
  }

  function story(s) {
    var ul = document.getElementById("story");
    clear(ul);
    var d = s.dev, inp = s.input;
    function li(t) { ul.appendChild(el("li", "", t)); }
    li(d.compiles + " compile lines, " + d.serverStarts + " server start" + (d.serverStarts === 1 ? "" : "s") + (d.serverStarts > 1 ? " (restarts)" : ""));
    d.store.forEach(function (t) {
      li("store “" + t.tag + "”: " + t.records + " records, " + t.resets + " resets (a new module instance started an empty store), max size " + t.maxSize + ", " + t.clears + " clears, " + t.reads + " summary reads");
    });
    if (d.appSlowRequests) li(d.appSlowRequests + " SLOW REQUEST warnings from the app (threshold " + human(d.appSlowThresholdMs) + ")");
    li("counted source: " + s.settings.source + (s.otherSources.length ? "; also seen, not counted: " + s.otherSources.map(function (o) { return o.source + " (" + o.count + " requests)"; }).join(", ") : "; no other source seen"));
    inp.files.forEach(function (f) { li("read " + f.name + ": " + f.lines + " lines, " + f.requests + " requests, " + f.malformed + " malformed, " + f.excluded + " excluded" + (f.error ? " — " + f.error : "")); });
    inp.malformedLines.forEach(function (m) { li(m.file + ":" + m.line + ": " + m.message); });
  }

  function status() {
    var p = document.getElementById("status");
    if (!data.live) return;
    p.hidden = false;
    var text = "following " + (data.following && data.following.length ? data.following.join(", ") : "the log");
    if (data.lastRequest) {
      var ago = Math.max(0, Math.round((data.now - data.lastRequest + (Date.now() - state.fetchedAt)) / 1000));
      text += " · last request " + ago + "s ago";
    } else text += " · no request yet";
    if (state.error) text += " · " + state.error;
    p.textContent = text;
    p.className = state.error ? "status stale" : "status";
  }

  function render() {
    var s = data.summary;
    headline(s); verdicts(); timeline(s); histogram(); routes(s); detail(s); phases(s); story(s); status();
  }

  document.querySelectorAll("#routes th").forEach(function (th) {
    th.addEventListener("click", function () {
      var col = th.getAttribute("data-col");
      if (state.sort === col) state.dir = -state.dir;
      else { state.sort = col; state.dir = col === "route" || col === "method" ? 1 : -1; }
      routes(data.summary);
    });
  });
  document.getElementById("filter").addEventListener("input", function (e) {
    state.filter = e.target.value; routes(data.summary);
  });
  document.querySelector("#routes tbody").addEventListener("click", function (e) {
    var tr = e.target.closest("tr");
    if (!tr) return;
    var r = data.summary.routes[+tr.getAttribute("data-i")];
    state.selected = state.selected === key(r) ? null : key(r);
    routes(data.summary); detail(data.summary);
  });
  document.querySelectorAll("#hist-tabs button").forEach(function (b) {
    b.addEventListener("click", function () {
      state.hist = +b.getAttribute("data-set");
      document.querySelectorAll("#hist-tabs button").forEach(function (o) { o.className = o === b ? "on" : ""; });
      histogram();
    });
  });
  window.addEventListener("resize", function () { timeline(data.summary); histogram(); detail(data.summary); });

  render();

  if (data.live && data.dataURL) {
    var busy = false;
    setInterval(function () {
      status();
      if (busy) return;
      busy = true;
      fetch(data.dataURL, { cache: "no-store" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (d) {
        data = d; state.fetchedAt = Date.now(); state.error = ""; render();
      }).catch(function (e) {
        state.error = "not updating: " + e.message; status();
      }).then(function () { busy = false; });
    }, 1000);
  }
})();
