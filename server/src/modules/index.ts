import type { Router } from 'express';
import type { Infra } from '../infra/container.js';
import type { AppSocket, SocketServer } from '../io.js';
import { healthRoutes } from './health/health.routes.js';

/** The services of every module, built once over the shared infrastructure. */
export interface Services {}

export interface AppContext {
  infra: Infra;
  services: Services;
}

export function createServices(_infra: Infra): Services {
  return {};
}

/** Routers mounted under /api, in order. */
export const moduleRoutes: Array<(ctx: AppContext) => Router> = [healthRoutes];

/** Socket handlers registered per connection. */
export const moduleSockets: Array<(ctx: AppContext, socket: AppSocket, io: SocketServer) => void> = [];

/** Rooms a user's sockets join on connect beyond user/role rooms (groups, teacher, admin pool). */
export const roomProviders: Array<(ctx: AppContext, user: { userId: string; role: string }) => Promise<string[]>> = [];
