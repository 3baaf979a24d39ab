/**
 * Inverse actions of the mutations made during a step, replayed newest first by abortStep. Each
 * inverse assumes the tree is exactly as its mutation left it, which reverse order guarantees.
 */
export class UndoLog {
  private readonly actions: Array<() => void> = [];

  push(inverse: () => void): void {
    this.actions.push(inverse);
  }

  rollback(): void {
    for (let i = this.actions.length - 1; i >= 0; i--) this.actions[i]();
    this.actions.length = 0;
  }
}
