/**
 * One form's (or button's) call to the server: `busy` while it runs, so a second submit is ignored,
 * `error` when it failed, `done` once it succeeded. Markup reads the three directly.
 */
export class Submission {
  busy = $state(false);
  done = $state(false);
  error = $state<unknown>(null);

  /** Runs `action` unless one is already running (the form's submit event, if any, is consumed). Resolves whether it succeeded. */
  async run(action: () => Promise<unknown>, event?: Event): Promise<boolean> {
    event?.preventDefault();
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      await action();
      this.done = true;
      return true;
    } catch (error) {
      this.error = error;
      return false;
    } finally {
      this.busy = false;
    }
  }
}
