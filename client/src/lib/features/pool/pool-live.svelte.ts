import { LIMITS, rooms } from '@tp/shared/constants';
import type { AccountStateDto, PoolChangedPayload, PoolSnapshotPayload, PoolStatsDto } from '@tp/shared';
import { http } from '$lib/api/http.js';
import { getSocket, onResync, onSocket, trackRoom } from '$lib/api/socket.js';

/** Rendering is batched to at most this many updates a second, always ending on the latest state. */
const FLUSH_MS = Math.ceil(1000 / LIMITS.poolUpdatesPerSecond);
const SYNC_TIMEOUT_MS = 5_000;

const byLabel = (a: AccountStateDto, b: AccountStateDto) => a.label.localeCompare(b.label, undefined, { numeric: true }) || a.id.localeCompare(b.id);

/**
 * The admin's live view of the pool: a snapshot (`pool:snapshot` on connect, or the answer to
 * `pool:sync`), then `pool:changed` with the accounts that changed. A gap in the room's sequence numbers asks for a
 * fresh snapshot; bursts are coalesced into one render per tick.
 */
export class PoolLive {
  accounts = $state<AccountStateDto[]>([]);
  stats = $state<PoolStatsDto | null>(null);
  loading = $state(true);
  error = $state<unknown>(null);
  /** When the view last matched the server (ms), for "updated …" hints and tests. */
  syncedAt = $state(0);
  /** Not rendered: a plain record of what the next flush applies. */
  private pending: Record<string, AccountStateDto> = {};
  private pendingStats: PoolStatsDto | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private syncing: Promise<void> | null = null;

  /** Loads and follows; returns the cleanup (an `$effect` return). */
  follow(): () => void {
    const stops = [
      trackRoom(rooms.adminPool, () => void this.sync()),
      onSocket('pool:snapshot', (snapshot) => this.applySnapshot(snapshot)),
      onSocket('pool:changed', (change) => this.queue(change)),
      // The server sends a snapshot on connect; ask as well in case that one was lost.
      onResync(({ reconnect }) => {
        if (reconnect) void this.sync();
      }),
    ];
    void this.sync();
    return () => {
      clearTimeout(this.timer);
      stops.forEach((stop) => stop());
    };
  }

  /** A full snapshot over the socket (`pool:sync`), or over HTTP when the socket is not up. */
  sync(): Promise<void> {
    this.syncing ??= this.fetchSnapshot()
      .then((snapshot) => this.applySnapshot(snapshot))
      .catch((error: unknown) => {
        this.error = error;
      })
      .finally(() => {
        this.loading = false;
        this.syncing = null;
      });
    return this.syncing;
  }

  /** Replaces the local copy of one account after an admin action, without waiting for the push. */
  upsert(account: AccountStateDto): void {
    this.pending[account.id] = account;
    this.flush();
  }

  private async fetchSnapshot(): Promise<PoolSnapshotPayload> {
    const socket = getSocket();
    if (socket.connected) {
      try {
        const result = await socket.timeout(SYNC_TIMEOUT_MS).emitWithAck('pool:sync', {});
        if (result.ok) return result.data;
      } catch {
        // No answer in time: HTTP below.
      }
    }
    const [accounts, stats] = await Promise.all([http.get<AccountStateDto[]>('/api/pool/accounts'), http.get<PoolStatsDto>('/api/pool/stats')]);
    return { accounts, stats, at: '' };
  }

  private applySnapshot(snapshot: PoolSnapshotPayload): void {
    // Changes queued before the snapshot are older than it.
    this.pending = {};
    this.pendingStats = null;
    this.accounts = [...snapshot.accounts].sort(byLabel);
    this.stats = snapshot.stats;
    this.error = null;
    this.loading = false;
    this.syncedAt = Date.now();
  }

  private queue(change: PoolChangedPayload): void {
    for (const account of change.accounts) this.pending[account.id] = account;
    this.pendingStats = change.stats;
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const changed = Object.values(this.pending);
    if (changed.length) {
      this.accounts = [...this.accounts.filter((account) => !(account.id in this.pending)), ...changed].sort(byLabel);
      this.pending = {};
    }
    if (this.pendingStats) this.stats = this.pendingStats;
    this.pendingStats = null;
    this.syncedAt = Date.now();
  }
}
