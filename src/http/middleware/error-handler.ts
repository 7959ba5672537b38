import type { NextFunction, Request, Response } from 'express';
import type { ClientError } from '../../errors/client-error';
import { toClientError } from '../../errors/client-error';
import { ErrorCode, statusOf } from '../../errors/error-codes';
import { requestLocals } from './request-context';

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const JSON_TYPE = 'application/json';

/** The GraphQL-over-HTTP media type when the client prefers it, else plain JSON. */
function responseType(req: Request): string {
  return req.accepts([JSON_TYPE, GRAPHQL_RESPONSE_JSON]) === GRAPHQL_RESPONSE_JSON
    ? GRAPHQL_RESPONSE_JSON
    : JSON_TYPE;
}

/** Answers in the GraphQL error shape, with the code's status (and Retry-After for 503s). */
function sendClientError(req: Request, res: Response, client: ClientError): void {
  const extensions: Record<string, unknown> = { code: client.code };
  if (client.details !== undefined) extensions.details = client.details;
  if (client.stacktrace !== undefined) extensions.stacktrace = client.stacktrace;
  if (client.retryAfterSeconds !== undefined) {
    res.set('Retry-After', String(client.retryAfterSeconds));
  }
  res
    .status(client.status)
    .type(responseType(req))
    .send(JSON.stringify({ errors: [{ message: client.message, extensions }] }));
}

/**
 * Failures before GraphQL runs (a bad multipart body, too many files, bad JSON) still answer
 * in the GraphQL error shape with a code and the code's HTTP status, so clients handle one
 * format. Nothing executed, so a 4xx/5xx is right under either media type.
 */
export function jsonErrorHandler(options: { readonly includeStack: boolean }) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const client = toClientError(error, options);
    const logger = requestLocals(res).logger;
    if (client.status >= 500) logger?.error({ err: error }, 'request failed before graphql');
    else logger?.info({ code: client.code, status: client.status }, client.message);
    sendClientError(req, res, client);
  };
}

/** JSON 404 for anything no route claims. */
export function notFoundHandler() {
  return (req: Request, res: Response): void => {
    sendClientError(req, res, {
      code: ErrorCode.NOT_FOUND,
      message: 'Not found',
      status: statusOf(ErrorCode.NOT_FOUND).status,
    });
  };
}
