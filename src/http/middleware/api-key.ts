import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, isAppError } from '../../errors/app-error';
import type { GraphqlContext, GraphqlServices } from '../../graphql/context';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The API key a request presents: `Authorization: Bearer <key>` or `X-Api-Key: <key>`.
 * Undefined when neither is sent. Two headers naming different keys yield '' (a malformed key)
 * rather than silently picking one. An Authorization header of another scheme (a proxy's Basic
 * credentials) is left alone when X-Api-Key carries the key, and is a malformed key otherwise.
 */
export function presentedKey(req: Pick<Request, 'get'>): string | undefined {
  const authorization = req.get('authorization');
  const header = req.get('x-api-key')?.trim();
  const bearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (bearer !== undefined && header !== undefined) return bearer === header ? bearer : '';
  if (authorization !== undefined && bearer === undefined && header === undefined) return '';
  return bearer ?? header;
}

/** Lets a request through only with an `admin` key (or when AUTH_MODE=off); else 401/403. */
export function requireAdmin(access: GraphqlServices['access']) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const principal = await access.authenticate(presentedKey(req));
      access.authorise(principal, 'admin');
      next();
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.UNAUTHENTICATED) {
        res.set('WWW-Authenticate', 'Bearer realm="product-search"');
      }
      next(error);
    }
  };
}

/**
 * Authenticates the presented key before the rate limiter, so a valid key is limited as that
 * key (`res.locals.principal`) rather than as its client address. A key that fails here is left
 * for the GraphQL context to refuse with its code, exactly as when this middleware is absent.
 */
export function identifyKey(access: GraphqlServices['access']) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      (res.locals as { principal?: unknown }).principal = await access.authenticate(
        presentedKey(req),
      );
    } catch {
      // Refused later, in the context, with UNAUTHENTICATED and its details.
    }
    next();
  };
}

/** The principal identifyKey found, if any. */
export function identifiedPrincipal(res: Response): GraphqlContext['principal'] | undefined {
  return (res.locals as { principal?: GraphqlContext['principal'] }).principal;
}
