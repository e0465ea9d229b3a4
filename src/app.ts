import express from 'express';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { AppContext } from './app-context';
import { authenticateAdmin } from './admin/authenticate-admin';
import { createTenant } from './admin/create-tenant';
import { enableScim } from './admin/enable-scim';
import { getTenantOverview } from './admin/get-tenant-overview';
import { getTenantUser } from './admin/get-tenant-user';
import {
  getGroupRoleMapping,
  previewGroupRoleMapping,
  putGroupRoleMapping,
} from './admin/group-role-mapping';
import { listTenantGroups } from './admin/list-tenant-groups';
import { listTenantUsers } from './admin/list-tenant-users';
import { listTenants } from './admin/list-tenants';
import { rotateScimToken } from './admin/rotate-scim-token';
import { dashboardRouter } from './dashboard/serve-dashboard';
import { errorHandler } from './http/error-handler';
import { loggableUrl } from './http/log-url';
import { createApiMetrics, routeOf } from './observability/metrics';
import { scimRateLimit } from './observability/rate-limit';
import { readiness } from './observability/readiness';
import { requestIdOf } from './http/request-context';
import { SECURITY_HEADERS } from './http/security-headers';
import { textGuard, verifyUtf8 } from './http/text-guard';
import { disableScim } from './operations/disable-scim';
import { exportAuditEvents } from './operations/export-audit-events';
import { listAuditEvents } from './operations/list-audit-events';
import { listSyncEvents } from './operations/list-sync-events';
import { reevaluateTenantRoles } from './operations/reevaluate-tenant-roles';
import { replayFailedSyncEvents, replaySyncEventHandler } from './operations/replay-handlers';
import { listScimTokens, revokeScimToken } from './operations/scim-token-admin';
import { showSyncEvent } from './operations/show-sync-event';
import { createAgentToken } from './platform/create-agent-token';
import { introspect } from './platform/introspect';
import { ssoLogin } from './platform/sso-login';
import { authenticateScim } from './scim/authenticate';
import { bulk, bulkBodyParser } from './scim/bulk/bulk-endpoint';
import { resourceTypesEndpoint, schemasEndpoint, serviceProviderConfig } from './scim/discovery';
import { ScimError, notFound } from './scim/errors';
import {
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  patchGroup,
  replaceGroup,
} from './scim/groups/group-handlers';
import { meNotImplemented } from './scim/me';
import { searchAllResources } from './scim/search/root-search';
import { createUser } from './scim/users/create-user';
import { deleteUser } from './scim/users/delete-user';
import { getUser } from './scim/users/get-user';
import { listUsers } from './scim/users/list-users';
import { patchUser } from './scim/users/patch-user';
import { replaceUser } from './scim/users/replace-user';

/** SCIM clients send application/scim+json; some send plain JSON or omit the charset. */
const JSON_TYPES = ['application/json', 'application/scim+json', 'application/*+json'];
const BODY_LIMIT = '1mb';

function methodNotAllowed(allowed: string): RequestHandler {
  return (_request, response) => {
    response.set('Allow', allowed);
    throw new ScimError(405, undefined, `This endpoint accepts ${allowed} only.`);
  };
}

/**
 * A write whose body is in another media type (or has none declared) would
 * reach the handlers unread and be refused for a missing "schemas"; this says
 * what is actually wrong. It sits on the routes that take a write only, so a
 * method an endpoint refuses still gets 405 and an unknown path 404.
 */
const requireJsonBody: RequestHandler = (request, _response, next) => {
  const writes = request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH';
  if (writes && request.is(JSON_TYPES) === false) {
    const declared = request.get('Content-Type');
    throw new ScimError(
      415,
      undefined,
      `Send the request body as application/scim+json (or application/json); ` +
        (declared === undefined ? 'this request declares no Content-Type.' : `this one is ${declared.slice(0, 100)}.`),
    );
  }
  next();
};

function scimRouter(context: AppContext): express.Router {
  const router = express.Router();
  router.use(authenticateScim(context.db));
  router.use(scimRateLimit(context.config.SCIM_RATE_LIMIT_PER_MINUTE));

  router.get('/ServiceProviderConfig', serviceProviderConfig(context));
  router.get('/ResourceTypes', resourceTypesEndpoint(context));
  router.get('/ResourceTypes/:id', resourceTypesEndpoint(context));
  router.get('/Schemas', schemasEndpoint(context));
  router.get('/Schemas/:id', schemasEndpoint(context));
  // Discovery documents are read-only (RFC 7644 §4).
  for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/:id', '/Schemas', '/Schemas/:id']) {
    router.all(path, methodNotAllowed('GET'));
  }

  router.get('/Users', listUsers(context, 'query'));
  router.post('/Users', requireJsonBody, createUser(context));
  router.post('/Users/.search', requireJsonBody, listUsers(context, 'body'));
  router.all('/Users', methodNotAllowed('GET, POST'));
  router.get('/Users/:id', getUser(context));
  router.put('/Users/:id', requireJsonBody, replaceUser(context));
  router.patch('/Users/:id', requireJsonBody, patchUser(context));
  router.delete('/Users/:id', deleteUser(context));
  router.all('/Users/:id', methodNotAllowed('GET, PUT, PATCH, DELETE'));

  router.get('/Groups', listGroups(context, 'query'));
  router.post('/Groups', requireJsonBody, createGroup(context));
  router.post('/Groups/.search', requireJsonBody, listGroups(context, 'body'));
  router.all('/Groups', methodNotAllowed('GET, POST'));
  router.get('/Groups/:id', getGroup(context));
  router.put('/Groups/:id', requireJsonBody, replaceGroup(context));
  router.patch('/Groups/:id', requireJsonBody, patchGroup(context));
  router.delete('/Groups/:id', deleteGroup(context));
  router.all('/Groups/:id', methodNotAllowed('GET, PUT, PATCH, DELETE'));

  // Both `/scim/v2` and `/scim/v2/` reach '/': the router does not route strictly.
  router.get('/', searchAllResources(context, 'query'));
  router.all('/', methodNotAllowed('GET'));
  router.post('/.search', requireJsonBody, searchAllResources(context, 'body'));
  router.all('/.search', methodNotAllowed('POST'));
  router.post('/Bulk', requireJsonBody, bulk(context));
  router.all('/Bulk', methodNotAllowed('POST'));
  router.all('/Me', meNotImplemented);

  router.use((request) => {
    throw notFound(`No SCIM endpoint at ${request.path}.`);
  });

  return router;
}

function adminRouter(context: AppContext): express.Router {
  const router = express.Router();
  router.use(authenticateAdmin(context.adminApiKey));
  router.post('/tenants', createTenant(context));
  router.post('/tenants/:tenantId/scim', enableScim(context));
  router.post('/tenants/:tenantId/scim/tokens', rotateScimToken(context));
  router.get('/tenants/:tenantId/scim/group-role-mapping', getGroupRoleMapping(context));
  router.put('/tenants/:tenantId/scim/group-role-mapping', putGroupRoleMapping(context));
  router.post('/tenants/:tenantId/scim\\:enable', enableScim(context));
  router.post('/tenants/:tenantId/scim\\:disable', disableScim(context));
  router.get('/tenants/:tenantId/scim/tokens', listScimTokens(context));
  router.delete('/tenants/:tenantId/scim/tokens/:tokenId', revokeScimToken(context));
  router.get('/tenants/:tenantId/sync-events', listSyncEvents(context));
  router.post('/tenants/:tenantId/sync-events/replay-failed', replayFailedSyncEvents(context));
  router.get('/tenants/:tenantId/sync-events/:syncEventId', showSyncEvent(context));
  router.post('/tenants/:tenantId/sync-events/:syncEventId/replay', replaySyncEventHandler(context));
  router.post('/tenants/:tenantId/roles/reevaluate', reevaluateTenantRoles(context));
  router.get('/tenants/:tenantId/audit-events', listAuditEvents(context));
  router.get('/tenants/:tenantId/audit-events/export', exportAuditEvents(context));
  router.post('/tenants/:tenantId/scim/group-role-mapping\\:preview', previewGroupRoleMapping(context));
  router.get('/tenants/:tenantId/users/:userId', getTenantUser(context));
  router.get('/tenants', listTenants(context));
  router.get('/tenants/:tenantId', getTenantOverview(context));
  router.get('/tenants/:tenantId/users', listTenantUsers(context));
  router.get('/tenants/:tenantId/groups', listTenantGroups(context));

  return router;
}

function platformRouter(context: AppContext): express.Router {
  const router = express.Router();
  router.use(authenticateAdmin(context.adminApiKey));
  router.post('/tenants/:tenantId/sso-logins', ssoLogin(context));
  router.post('/tenants/:tenantId/users/:userId/agent-tokens', createAgentToken(context));
  router.post('/introspect', introspect(context));

  return router;
}

/** The api process's HTTP surface: SCIM for IdPs, admin and platform APIs, health. */
export function createApp(context: AppContext): express.Express {
  const app = express();
  const metrics = createApiMetrics(context.db);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(
    pinoHttp({
      logger: context.logger,
      genReqId: (request, response) => {
        const id = requestIdOf(request as express.Request);
        response.setHeader('X-Request-Id', id);

        return id;
      },
      // Ids and outcomes only: SCIM bodies and query strings hold personal data, headers tokens.
      serializers: {
        req: (request) => ({ id: request.id, method: request.method, url: loggableUrl(request.url) }),
        res: (response) => ({ statusCode: response.statusCode }),
      },
      customLogLevel: (_request, response, error) =>
        error !== undefined || response.statusCode >= 500 ? 'error' : 'info',
      // Asked again when the response finishes; only then are the tenant and route known.
      customProps: (request, response) =>
        response.writableEnded
          ? { tenantId: (request as express.Request).tenantId, route: routeOf(request as express.Request) }
          : {},
    }),
  );
  app.use(metrics.middleware);
  app.use((_request, response, next) => {
    response.set(SECURITY_HEADERS);
    next();
  });
  app.use('/scim/v2/Bulk', bulkBodyParser(JSON_TYPES));
  app.use(express.json({ type: JSON_TYPES, limit: BODY_LIMIT, verify: verifyUtf8 }));
  app.use(textGuard);

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', readiness(context));
  app.get('/metrics', async (_request, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use('/scim/v2', scimRouter(context));
  app.use('/admin/v1', adminRouter(context));
  app.use('/dashboard', dashboardRouter());
  app.use('/auth/v1', platformRouter(context));
  app.use((request) => {
    throw notFound(`Nothing at ${request.method} ${request.path}.`);
  });
  app.use(errorHandler);

  return app;
}
