import { expect, test } from "bun:test";
import { clearSessionCookie, isHttps, parseCookies, readSessionToken, SESSION_COOKIE, sessionCookie } from "../../src/auth/cookie.ts";
import { newToken } from "../../src/auth/tokens.ts";

const attrs = (cookie: string) => cookie.split("; ").slice(1);

test("the session cookie is HttpOnly, SameSite=Lax, Path=/, with Max-Age; Secure only over https", () => {
  const token = newToken();
  const now = new Date(Date.UTC(2030, 0, 1));
  const plain = sessionCookie(token, { secure: false, expires: new Date(now.getTime() + 3600_000), now });
  expect(plain.startsWith(`${SESSION_COOKIE}=${token}; `)).toBe(true);
  expect(attrs(plain)).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=3600"]));
  expect(attrs(plain)).not.toContain("Secure");
  expect(attrs(sessionCookie(token, { secure: true }))).toContain("Secure");
  expect(plain).not.toMatch(/Domain=/i);
});

test("clearing the cookie expires it with the same attributes", () => {
  const c = clearSessionCookie({ secure: true });
  expect(c.startsWith(`${SESSION_COOKIE}=;`)).toBe(true);
  expect(attrs(c)).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", "Secure"]));
});

test("a token that is not base64url is refused rather than written into a header", () => {
  expect(() => sessionCookie("a;b", { secure: false })).toThrow();
  expect(() => sessionCookie("a\r\nSet-Cookie: x=1", { secure: false })).toThrow();
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

test("readSessionToken takes a Request or a header", () => {
  const token = newToken();
  expect(readSessionToken(new Request("http://x/", { headers: { cookie: `theme=dark; ${SESSION_COOKIE}=${token}` } }))).toBe(token);
  expect(readSessionToken(`${SESSION_COOKIE}=${token}`)).toBe(token);
  expect(readSessionToken("other=1")).toBeUndefined();
  expect(readSessionToken(`${SESSION_COOKIE}=`)).toBeUndefined();
});

test("isHttps: the request URL, or X-Forwarded-Proto only from a trusted proxy", () => {
  expect(isHttps(new Request("https://gadget/"))).toBe(true);
  expect(isHttps(new Request("http://gadget/"))).toBe(false);
  const proxied = new Request("http://gadget/", { headers: { "x-forwarded-proto": "https" } });
  expect(isHttps(proxied)).toBe(false);
  expect(isHttps(proxied, { trustProxy: true })).toBe(true);
});
