export type ConnectionStatus = 'connected' | 'reconnecting' | 'offline';

/** The live socket's state, for the header indicator and any view that wants to show staleness. */
export const connection = $state<{ status: ConnectionStatus; since: number }>({ status: 'offline', since: Date.now() });

export function setConnectionStatus(status: ConnectionStatus): void {
  // While the browser reports no network, retrying is not worth promising as "reconnecting".
  if (status === 'reconnecting' && typeof navigator !== 'undefined' && navigator.onLine === false) status = 'offline';
  if (connection.status === status) return;
  connection.status = status;
  connection.since = Date.now();
}
