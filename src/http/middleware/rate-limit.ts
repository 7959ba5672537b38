/**
 * Rate limiting with rate-limiter-flexible (in memory, per process), before a request body is
 * read: a client over its limit gets 429 RATE_LIMITED with `Retry-After` (the seconds until its
 * window frees a request) in the GraphQL error shape, and never costs a parse or an upload.
 *
 * Who a client is: the API key's principal when an authentication middleware mounted before
 * this one has put one in `res.locals.principal` (`{ kind: 'key', keyId }`), else the client
 * address (`req.ip`: the socket's peer, or the client a trusted proxy names in
 * `X-Forwarded-For` when `TRUST_PROXY` trusts that peer; a forwarded header from any other peer
 * is ignored). Keys and addresses have separate limits; 0 turns one off.
 */
import type { NextFunction, Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitSettings } from '../../config/load-config';
import { RateLimitedError } from '../../errors/app-error';

interface KeyPrincipal {
  readonly kind: 'key';
  readonly keyId: string;
}

function principalOf(res: Response): KeyPrincipal | undefined {
  const principal = (res.locals as { principal?: { kind?: unknown; keyId?: unknown } }).principal;
  return principal?.kind === 'key' && typeof principal.keyId === 'string'
    ? (principal as KeyPrincipal)
    : undefined;
}

function limiter(points: number, windowSeconds: number): RateLimiterMemory | undefined {
  return points > 0 ? new RateLimiterMemory({ points, duration: windowSeconds }) : undefined;
}

function setHeaders(res: Response, points: number, state: RateLimiterRes): void {
  res.set('RateLimit-Limit', String(points));
  res.set('RateLimit-Remaining', String(Math.max(0, state.remainingPoints)));
  res.set('RateLimit-Reset', String(Math.ceil(state.msBeforeNext / 1000)));
}

/** The middleware, or undefined when both limits are off (nothing to mount). */
export function rateLimit(settings: RateLimitSettings) {
  const { windowSeconds } = settings;
  const byKey = limiter(settings.perKey, windowSeconds);
  const byAddress = limiter(settings.anonymous, windowSeconds);
  if (byKey === undefined && byAddress === undefined) return undefined;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const principal = principalOf(res);
    const scope = principal === undefined ? 'address' : 'key';
    const limits = principal === undefined ? byAddress : byKey;
    const points = principal === undefined ? settings.anonymous : settings.perKey;
    if (limits === undefined) {
      next();
      return;
    }
    const key = principal?.keyId ?? req.ip ?? req.socket.remoteAddress ?? 'unknown';
    try {
      setHeaders(res, points, await limits.consume(key));
      next();
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) {
        next(refusal);
        return;
      }
      setHeaders(res, points, refusal);
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      next(
        new RateLimitedError(`Too many requests: at most ${points} per ${windowSeconds} s`, {
          scope,
          limit: points,
          windowSeconds,
          retryAfterSeconds,
        }),
      );
    }
  };
}
