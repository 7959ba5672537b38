import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, isAppError } from '../../errors/app-error';
import type { GraphqlServices } from '../../graphql/context';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The API key a request presents: `Authorization: Bearer <key>` or `X-Api-Key: <key>`.
 * Undefined when neither is sent. An Authorization header of another scheme, or two headers
 * naming different keys, yields '' (a malformed key) rather than silently picking one.
 */
export function presentedKey(req: Request): string | undefined {
  const authorization = req.get('authorization');
  const header = req.get('x-api-key')?.trim();
  let bearer: string | undefined;
  if (authorization !== undefined) bearer = BEARER.exec(authorization)?.[1] ?? '';
  if (bearer !== undefined && header !== undefined && bearer !== header) return '';
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
