// What a fixture has started, newest last. Stopping walks it backwards (a daemon before the
// directory or namespace it lives in) and tries every entry even when one fails, so a failed stop
// never leaves the rest running; the failures are thrown together, each with its label.
export class StopStack {
  private readonly entries: { label: string; stop: () => Promise<void> }[] = [];

  /** `what` names the whole in the error, e.g. "the fleet" or "OVN in /tmp/x". */
  constructor(private readonly what: string) {}

  push(label: string, stop: () => Promise<void>): void {
    this.entries.push({ label, stop });
  }

  async stopAll(): Promise<void> {
    const errors: string[] = [];
    while (this.entries.length > 0) {
      const e = this.entries.pop();
      if (!e) break;
      try {
        await e.stop();
      } catch (err) {
        errors.push(`${e.label}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (errors.length > 0) throw new Error(`stopping ${this.what}: ${errors.join('; ')}`);
  }
}
