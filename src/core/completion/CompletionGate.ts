// Whether inline completions are wanted right now: the global switch, the per-language map, and
// a snooze that ends by itself.

export interface GateSettings {
  enabled: boolean;
  /** languageId -> enabled; "*" is the default for languages not listed. */
  languages: Readonly<Record<string, boolean>>;
}

export class CompletionGate {
  private snoozedUntil = 0;

  snooze(now: number, minutes: number): void {
    this.snoozedUntil = now + minutes * 60_000;
  }

  resume(): void {
    this.snoozedUntil = 0;
  }

  /** The end of the snooze in ms, or undefined when not snoozed at `now`. */
  snoozeEnd(now: number): number | undefined {
    return now < this.snoozedUntil ? this.snoozedUntil : undefined;
  }

  allows(settings: GateSettings, languageId: string, now: number): boolean {
    if (!settings.enabled || this.snoozeEnd(now) !== undefined) return false;
    return settings.languages[languageId] ?? settings.languages['*'] ?? true;
  }
}
