import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, Router } from 'express';
import express from 'express';
import { findUp } from '../../lib/find-up';

export const GRAPHIQL_ASSETS_PATH = '/graphiql-assets';

function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/** Our page files live beside the TypeScript sources; tsc does not copy them to dist/. */
function pageDir(): string {
  return findUp(path.join('src', 'http', 'graphiql'));
}

/** Exactly the files the page needs, from node_modules: the page works with no internet. */
function assetFiles(): ReadonlyMap<string, string> {
  const own = pageDir();
  return new Map([
    ['graphiql.min.js', path.join(packageDir('graphiql'), 'graphiql.min.js')],
    ['graphiql.min.css', path.join(packageDir('graphiql'), 'graphiql.min.css')],
    ['react.production.min.js', path.join(packageDir('react'), 'umd', 'react.production.min.js')],
    [
      'react-dom.production.min.js',
      path.join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
    ],
    ['graphiql-app.js', path.join(own, 'graphiql-app.js')],
    ['graphiql-page.css', path.join(own, 'graphiql-page.css')],
  ]);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Scripts and styles only from this origin; GraphiQL sets inline style attributes and icons
// as data: URLs, hence those two allowances.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** True when a browser navigates here (prefers HTML over JSON). */
export function wantsHtml(req: Request): boolean {
  return (
    req.method === 'GET' &&
    req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) ===
      'text/html'
  );
}

export function graphiqlAssets(): Router {
  const files = assetFiles();
  const router = express.Router();
  router.get('/:name', (req, res, next) => {
    const file = files.get(String(req.params.name));
    if (file === undefined) {
      next();
      return;
    }
    res.sendFile(file, { maxAge: '1h' }, (error) => {
      if (error !== undefined && !res.headersSent) next(error);
    });
  });
  return router;
}

/** Serves our GraphiQL page (with the upload panel) for the GraphQL path. */
export function graphiqlPage(graphqlPath: string) {
  const template = readFileSync(path.join(pageDir(), 'index.html'), 'utf8');
  return (req: Request, res: Response): void => {
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const html = template
      .replaceAll('__ASSETS__', GRAPHIQL_ASSETS_PATH)
      .replaceAll('__GRAPHQL_PATH__', escapeHtml(graphqlPath))
      .replaceAll('__ORIGIN__', escapeHtml(origin));
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('Vary', 'Accept');
    res.type('html').send(html);
  };
}
