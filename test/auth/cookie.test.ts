import { expect, test } from "bun:test";
import {
  clearSessionCookie,
  forwardedHeader,
  isHttps,
  parseCookies,
  readSessionToken,
  requestPort,
  SESSION_COOKIE,
  sessionCookie,
  sessionCookieName,
} from "../../src/auth/cookie.ts";
import { newToken } from "../../src/auth/tokens.ts";

const attrs = (cookie: string) => cookie.split("; ").slice(1);

test("the session cookie is HttpOnly, SameSite=Lax, Path=/, with Max-Age; Secure only over https", () => {
  const token = newToken();
  const now = new Date(Date.UTC(2030, 0, 1));
  const plain = sessionCookie(token, { port: 5000, secure: false, expires: new Date(now.getTime() + 3600_000), now });
  expect(plain.startsWith(`${SESSION_COOKIE}_5000=${token}; `)).toBe(true);
  expect(attrs(plain)).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=3600"]));
  expect(attrs(plain)).not.toContain("Secure");
  expect(attrs(sessionCookie(token, { port: 5000, secure: true }))).toContain("Secure");
  expect(plain).not.toMatch(/Domain=/i);
});

test("clearing the cookie expires it with the same attributes", () => {
  const c = clearSessionCookie({ port: 5000, secure: true });
  expect(c.startsWith(`${SESSION_COOKIE}_5000=;`)).toBe(true);
  expect(attrs(c)).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", "Secure"]));
});

test("a token that is not base64url is refused rather than written into a header", () => {
  expect(() => sessionCookie("a;b", { port: 5000, secure: false })).toThrow();
  expect(() => sessionCookie("a\r\nSet-Cookie: x=1", { port: 5000, secure: false })).toThrow();
});

test("parseCookies reads names, values, quotes and %-escapes; the first of a name wins", () => {
  const m = parseCookies(`a=1; ${SESSION_COOKIE}=tok_1-x ;b="two words";c=%41%42; ${SESSION_COOKIE}=second; bad; =x; d=%E0%A4%A`);
  expect(m.get("a")).toBe("1");
  expect(m.get(SESSION_COOKIE)).toBe("tok_1-x");
  expect(m.get("b")).toBe("two words");
  expect(m.get("c")).toBe("AB");
  expect(m.get("d")).toBe("%E0%A4%A");
  expect(m.has("bad")).toBe(false);
  expect(parseCookies(null).size).toBe(0);
});

test("readSessionToken takes a Request (the cookie of its port) or a header and a port", () => {
  const token = newToken();
  expect(readSessionToken(new Request("http://x:5000/", { headers: { cookie: `theme=dark; ${SESSION_COOKIE}_5000=${token}` } }))).toBe(
    token,
  );
  expect(readSessionToken(new Request("http://x/", { headers: { cookie: `${SESSION_COOKIE}_80=${token}` } }))).toBe(token);
  expect(readSessionToken(`${SESSION_COOKIE}_5000=${token}`, 5000)).toBe(token);
  expect(readSessionToken("other=1", 5000)).toBeUndefined();
  expect(readSessionToken(`${SESSION_COOKIE}_5000=`, 5000)).toBeUndefined();
});

// L4: browsers send a host's cookies to every port; an app must not take another port's session.
test("L4: the cookie is named for the port; another port's cookie (or the old unnamed one) is not read", () => {
  const token = newToken();
  expect(sessionCookieName(5000)).toBe("dd_session_5000");
  expect(requestPort(new Request("https://gadget/"))).toBe("443");
  const other = new Request("http://gadget:5001/", { headers: { cookie: `${SESSION_COOKIE}_5000=${token}; ${SESSION_COOKIE}=${token}` } });
  expect(readSessionToken(other)).toBeUndefined();
  expect(sessionCookie(token, { port: 5001, secure: false }).startsWith(`dd_session_5001=${token};`)).toBe(true);
});

test("isHttps: the request URL, or X-Forwarded-Proto only from a trusted proxy", () => {
  expect(isHttps(new Request("https://gadget/"))).toBe(true);
  expect(isHttps(new Request("http://gadget/"))).toBe(false);
  const proxied = new Request("http://gadget/", { headers: { "x-forwarded-proto": "https" } });
  expect(isHttps(proxied)).toBe(false);
  expect(isHttps(proxied, { trustProxy: true })).toBe(true);
});

test("forwardedHeader: the nearest proxy's value is the last of the list", () => {
  const r = new Request("http://gadget/", { headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.7", "x-forwarded-proto": "http ,https" } });
  expect(forwardedHeader(r, "x-forwarded-for")).toBe("203.0.113.7");
  expect(isHttps(r, { trustProxy: true })).toBe(true);
  expect(forwardedHeader(r, "x-forwarded-host")).toBeUndefined();
});
