import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/** Per-request values other middleware and the GraphQL context read from `res.locals`. */
export interface RequestLocals {
  requestId: string;
  logger: Logger;
}

const REQUEST_ID_HEADER = 'x-request-id';
// A caller-supplied id goes into logs and a response header: keep it short and printable.
const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

export function requestLocals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

/**
 * Gives each request an id (the caller's `x-request-id` when sane, else a UUID), echoes it in the
 * response header, binds a child logger to it and logs one line when the response finishes,
 * with the client's address (`req.ip`, which express's `trust proxy` setting decides).
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.get(REQUEST_ID_HEADER);
    const requestId = given !== undefined && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    const child = logger.child({ reqId: requestId });
    const locals = requestLocals(res);
    locals.requestId = requestId;
    locals.logger = child;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      child.info(
        {
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          durationMs,
          // The socket's peer, or the forwarded client when TRUST_PROXY trusts that peer.
          remoteAddress: req.ip,
        },
        'request done',
      );
    });
    next();
  };
}
