/**
 * Webhook URLs must be HTTPS at Vipps (webhooks.yaml RegisterRequest.url). The simulator also
 * allows plain HTTP to loopback addresses (127.0.0.0/8, ::1, localhost) so tests and the demo
 * can receive deliveries without certificates. Returns a problem text, or undefined when allowed.
 */
export function webhookUrlProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return "The url is required.";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "The url must be an absolute URL.";
  }
  if (url.username !== "" || url.password !== "") return "The url must not contain credentials.";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
  return "The url must use HTTPS (the simulator also accepts http:// to loopback addresses).";
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === "localhost" || h === "[::1]") return true;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m[1] === "127" && m.slice(2).every((part) => Number(part) <= 255);
}
