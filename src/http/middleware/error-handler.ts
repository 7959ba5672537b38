import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '../../errors/app-error';
import { toClientError, uploadErrorToClientError } from '../../graphql/format-error';
import { requestLocals } from './request-context';

function statusFor(error: unknown, code: string): number {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 600) return status;
  if (code === ErrorCode.PAYLOAD_TOO_LARGE) return 413;
  return code === ErrorCode.INTERNAL_SERVER_ERROR ? 500 : 400;
}

/**
 * Failures before GraphQL runs (a bad multipart body, bad JSON) still answer in the GraphQL
 * error shape with a code, so clients handle one format.
 */
export function jsonErrorHandler() {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const client = uploadErrorToClientError(error) ?? toClientError(error);
    const status = statusFor(error, client.code);
    const logger = requestLocals(res).logger;
    if (status >= 500) logger?.error({ err: error }, 'request failed before graphql');
    else logger?.info({ code: client.code, status }, client.message);
    res
      .status(status)
      .type('application/json')
      .send(
        JSON.stringify({
          errors: [{ message: client.message, extensions: { code: client.code } }],
        }),
      );
  };
}

/** JSON 404 for anything no route claims. */
export function notFoundHandler() {
  return (_req: Request, res: Response): void => {
    res
      .status(404)
      .type('application/json')
      .send(
        JSON.stringify({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] }),
      );
  };
}
