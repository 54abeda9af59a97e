import type { AppContext } from '../index.js';

/** Demo data: three demo meeting accounts of capacity 1 (so a fourth concurrent lesson sees "all rooms busy"). */
export async function seedPoolDemo(ctx: AppContext): Promise<string[]> {
  for (const n of [1, 2, 3]) {
    await ctx.services.poolAdmin.createAccount(null, { provider: 'demo', label: `Demo room ${n}`, email: `room${n}@demo.local`, capacity: 1 });
  }
  return ['Meeting pool: 3 demo rooms (capacity 1 each)'];
}
