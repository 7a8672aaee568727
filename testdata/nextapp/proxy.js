import { NextResponse } from "next/server";

// Answers some requests itself: Next prints no request line for these.
// It logs every request it sees, as apps that time requests in their
// middleware do.
export function proxy(req) {
  const started = performance.now();
  const { pathname } = req.nextUrl;
  let res = NextResponse.next();
  if (pathname.startsWith("/api/admin")) {
    res = new NextResponse("forbidden", { status: 403 });
  } else if (pathname === "/old-dashboard") {
    res = NextResponse.redirect(new URL("/dashboard", req.url));
  }
  const took = (performance.now() - started).toFixed(2);
  const status = res.headers.get("x-middleware-next") ? "" : ` ${res.status}`;
  console.log(`[perf] ${req.method} ${pathname}${status} ${took}ms [middleware]`);
  return res;
}
