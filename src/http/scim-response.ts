import type { Response } from 'express';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** Sends a SCIM body (RFC 7644 §3.1: application/scim+json). */
export function sendScim(response: Response, status: number, body: unknown): void {
  response.status(status).type(SCIM_CONTENT_TYPE).send(JSON.stringify(body));
}
