import { NextResponse } from "next/server";

// Answers some requests itself: Next prints no request line for these.
export function proxy(req) {
  const { pathname } = req.nextUrl;
  if (pathname.startsWith("/api/admin")) {
    return new NextResponse("forbidden", { status: 403 });
  }
  if (pathname === "/old-dashboard") {
    return NextResponse.redirect(new URL("/dashboard", req.url));
  }
  return NextResponse.next();
}
