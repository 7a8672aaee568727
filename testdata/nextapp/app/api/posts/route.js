export function GET() {
  return Response.json([{ id: 1 }]);
}

export async function POST(req) {
  const body = await req.text();
  return Response.json({ ok: true, size: body.length }, { status: 201 });
}
