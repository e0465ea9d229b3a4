import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express from 'express';
import type { RequestHandler } from 'express';
import { notFound } from '../scim/errors';

/**
 * The page only talks to this origin's admin API and loads nothing from
 * elsewhere; a policy this tight also keeps an injected script from running.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Where `npm run build:dashboard` writes the page: `dist/dashboard` under the
 * package root, found by walking up from this file, which runs from `src/`
 * under jest and from `dist/src/` once compiled.
 */
export function dashboardBuildDirectory(start: string = __dirname): string {
  let directory = start;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return join(start, 'dashboard');
    directory = parent;
  }

  return join(directory, 'dist', 'dashboard');
}

/** Asset names carry a hash of their content: a changed file is a new name. */
const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const securityHeaders: RequestHandler = (_request, response, next) => {
  response.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Frame-Options': 'DENY',
  });
  next();
};

/**
 * /dashboard: the Directory Sync settings page, a static build that calls
 * the admin API from the browser with the admin key the person signs in
 * with. Hashed assets are cached for a year; the page itself is checked at
 * every load, so a deploy shows at once. Without a build, a 503 that says how
 * to make one.
 */
export function dashboardRouter(buildDirectory = dashboardBuildDirectory()): express.Router {
  const router = express.Router();
  const indexFile = join(buildDirectory, 'index.html');
  router.use(securityHeaders);

  router.get('/', (_request, response) => {
    if (!existsSync(indexFile)) {
      response
        .status(503)
        .type('text/plain')
        .send(
          'The dashboard has not been built. Run `npm run build:dashboard` (or `npm start`).\n',
        );

      return;
    }
    response.sendFile(indexFile, { headers: { 'Cache-Control': 'no-cache' } });
  });
  router.use(
    '/assets',
    express.static(join(buildDirectory, 'assets'), {
      index: false,
      fallthrough: true,
      // Set here, not with maxAge: the app's default `no-store` is already on the response.
      setHeaders: (response) => response.setHeader('Cache-Control', ASSET_CACHE_CONTROL),
    }),
  );
  router.use((request) => {
    throw notFound(`Nothing at ${request.method} /dashboard${request.path}.`);
  });

  return router;
}
