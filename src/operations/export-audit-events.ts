import type { RequestHandler, Response } from 'express';
import type { AppContext } from '../app-context';
import { loadTenant } from '../admin/load-tenant';
import { auditEventView, auditFilters, auditPage } from './audit-query';
import type { KeysetPosition } from './keyset-cursor';
import { parseQuery } from './query-parameters';

const BATCH_SIZE = 1000;

/** Resolves true once the client has taken the buffered lines, false if it went away. */
function drained(response: Response): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (value: boolean) => () => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(value);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}

/**
 * GET /admin/v1/tenants/{tenantId}/audit-events/export: every matching event,
 * oldest first, one JSON object a line (JSON Lines), streamed in batches so
 * memory stays flat however long the log. Same filters as the list.
 */
export function exportAuditEvents(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const filters = parseQuery(auditFilters.strict(), request);
    await loadTenant(context.db, tenantId);

    let after: KeysetPosition | undefined;
    let rows = await auditPage(context.db, tenantId, filters, after, 'asc', BATCH_SIZE);
    response
      .status(200)
      .type('application/jsonl; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="audit-${tenantId}.jsonl"`);
    try {
      for (;;) {
        for (const row of rows) {
          if (
            !response.write(`${JSON.stringify(auditEventView(row))}\n`) &&
            !(await drained(response))
          )
            return;
        }
        const last = rows.at(-1);
        if (rows.length < BATCH_SIZE || last === undefined) break;
        after = { at: last.cursor_at, id: last.id };
        rows = await auditPage(context.db, tenantId, filters, after, 'asc', BATCH_SIZE);
      }
      response.end();
    } catch (error) {
      // The status line is gone; cutting the stream short is the only honest signal left.
      request.log.error({ err: error }, 'audit export failed mid-stream');
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };
}
