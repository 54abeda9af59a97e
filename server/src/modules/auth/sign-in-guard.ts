import { LIMITS } from '@tp/shared';
import { AppError } from '../../infra/errors.js';
import type { FailureCounter, FailureCounterFactory } from '../../infra/rate-limit.js';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const limited = (seconds: number) => new AppError('rate/limited', 'Too many failed sign-ins; try again later', { retryAfterSeconds: seconds });

type Counted = [FailureCounter, string];

/**
 * Brute-force protection that never blocks a classroom: only failed sign-ins count
 * (rate-limiter-flexible's login-protection pattern). Consecutive failures per account from one
 * address, per account from anywhere (guessing from many addresses), and per address per day with
 * a budget large enough for a school behind one address. A success clears the account's counts.
 */
export class SignInGuard {
  private readonly perAccountAndAddress: FailureCounter;
  private readonly perAccount: FailureCounter;
  private readonly perAddress: FailureCounter;

  constructor(counter: FailureCounterFactory, addressFailuresPerDay: number = LIMITS.signIn.failuresPerAddressPerDay) {
    this.perAccountAndAddress = counter('sign-in-fail-account-address', { failures: LIMITS.signIn.failuresPerAccountAndAddress, windowSeconds: DAY, blockSeconds: 15 * MINUTE });
    this.perAccount = counter('sign-in-fail-account', { failures: LIMITS.signIn.failuresPerAccount, windowSeconds: DAY, blockSeconds: HOUR });
    this.perAddress = counter('sign-in-fail-address', { failures: addressFailuresPerDay, windowSeconds: DAY, blockSeconds: HOUR });
  }

  /**
   * Runs `verify` unless the account or the address is blocked (then 429 with Retry-After, and no
   * hash is computed). The attempt counts as failed from the start, so a burst of guesses in flight
   * at once cannot overrun the budget; a result other than null gives it back. (Counting a blocked
   * key again neither extends its block nor matters: it is given back on every other key.)
   */
  async attempt<T>(email: string, address: string, verify: () => Promise<T | null>): Promise<T | null> {
    const account = email.toLowerCase();
    const keys: Counted[] = [
      [this.perAccountAndAddress, `${account}|${address}`],
      [this.perAccount, account],
      [this.perAddress, address],
    ];
    const counted = await this.countAll(keys);
    let result: T | null;
    try {
      result = await verify();
    } catch (error) {
      // Not a wrong password (the server could not tell): nothing to hold against anyone.
      await giveBack(counted);
      throw error;
    }
    if (result !== null) {
      await Promise.all([this.perAccountAndAddress.reset(keys[0]![1]), this.perAccount.reset(account), this.perAddress.succeeded(address)]);
    }
    return result;
  }

  /** 429 while the address is blocked; counts nothing (new accounts, for instance). */
  async assertAddressOpen(address: string): Promise<void> {
    await this.refuseIfBlocked([[this.perAddress, address]]);
  }

  /** An attempt from `address` that has no account yet (OAuth callback): counted failed until `addressSucceeded`. */
  async countAddressAttempt(address: string): Promise<void> {
    await this.countAll([[this.perAddress, address]]);
  }

  async addressSucceeded(address: string): Promise<void> {
    await this.perAddress.succeeded(address);
  }

  private async refuseIfBlocked(keys: Counted[]): Promise<void> {
    const waits = await Promise.all(keys.map(([counter, key]) => counter.blockedFor(key)));
    const wait = Math.max(...waits);
    if (wait > 0) throw limited(wait);
  }

  /** Counts one attempt on every key at once; if one is over budget, the others are given back and 429. */
  private async countAll(keys: Counted[]): Promise<Counted[]> {
    const waits = await Promise.all(keys.map(([counter, key]) => counter.attempt(key)));
    const wait = Math.max(...waits);
    if (wait > 0) {
      await giveBack(keys.filter((_, i) => waits[i] === 0));
      throw limited(wait);
    }
    return keys;
  }
}

const giveBack = (counted: Counted[]) => Promise.all(counted.map(([counter, key]) => counter.succeeded(key)));
