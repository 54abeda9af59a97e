export interface Question {
  message: string;
  confirmLabel: string;
  danger: boolean;
  resolve: (yes: boolean) => void;
}

/** A pending "are you sure?" for a destructive action; `ConfirmDialog` renders it. */
export class Confirmer {
  pending = $state<Question | null>(null);

  ask(message: string, confirmLabel: string, danger = true): Promise<boolean> {
    this.pending?.resolve(false);
    return new Promise((resolve) => {
      this.pending = { message, confirmLabel, danger, resolve };
    });
  }

  answer(yes: boolean): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(yes);
  }
}
