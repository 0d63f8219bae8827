/**
 * @module auth
 * Who may watch, drive and manage the device: users and roles, sessions and their cookie, login with
 * rate limiting, CSRF and same-origin checks, first-run setup. A library over src/db with no HTTP
 * server in it: the server passes requests' headers in and sends the results out.
 */
export { can, isRole, roleFor, ROLES, type Action, type Role } from "./roles.ts";
export { POLICY, type RateLimit } from "./policy.ts";
export { newToken, hashToken, safeEqual, isTokenShaped } from "./tokens.ts";
export { validatePassword, hashPassword } from "./password.ts";
export {
  createUser, deleteUser, setRole, setDisabled, resetPassword, verifyPassword, listUsers, getUser,
  findUserByUsername, countAdmins, validateUsername, type PublicUser, type ChangeOptions,
} from "./users.ts";
export {
  createSession, lookupSession, getSession, listSessions, revokeSession, revokeUserSessions, pruneSessions,
  type SessionInfo, type CreateSessionInput,
} from "./sessions.ts";
export { login, logout, loginRefused, type LoginInput, type LoginResult } from "./login.ts";
export {
  checkLoginAllowed, reserveLoginAttempt, releaseLoginAttempt, clearUserIpFailures, clearUsernameFailures, RateLimitedError, DEFAULT_LIMITS,
  type RateLimits, type RateLimitScope, type LoginReservation,
} from "./rate-limit.ts";
export { SESSION_COOKIE, sessionCookie, clearSessionCookie, parseCookies, readSessionToken, isHttps, type CookieOptions } from "./cookie.ts";
export { CSRF_FIELD, CSRF_HEADER, loadCsrfSecret, csrfToken, verifyCsrfToken, assertCsrfToken, isSameOrigin, type OriginOptions } from "./csrf.ts";
export { ensureSetup, completeSetup, checkSetupToken, createAdmin, resetAdmin, hasAdmin, SETUP_PATH, type SetupState } from "./setup.ts";
