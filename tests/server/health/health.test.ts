import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp } from '../../setup/app.js';

describe('health and plumbing', () => {
  it('reports the database up and Redis not configured in single-node mode', async () => {
    const app = await createTestApp();
    const res = await request(app.url).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'up', redis: 'not-configured', mode: 'single-node' });
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('reports Redis when configured and exposes Prometheus metrics', async () => {
    const app = await createTestApp({ redis: true });
    const res = await request(app.url).get('/api/health');
    expect(res.body).toMatchObject({ database: 'up', redis: 'up', mode: 'cluster' });
    const metrics = await request(app.url).get('/metrics');
    expect(metrics.text).toContain('http_request_duration_seconds_bucket');
    expect(metrics.text).toContain('socket_connected');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const app = await createTestApp();
    const res = await request(app.url).get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('request/not-found');
  });
});
