/**
 * Opened signing keys kept between requests, for as long as this process hears of every
 * change to credentials and merchants (PostgreSQL's LISTEN, credential-changes.ts). A
 * report then costs no credential read before its transaction: that read was a third round
 * trip on the money path (bench/FINDINGS.md, ninth and tenth passes).
 *
 * It trusts what it keeps only while told it hears: it starts deaf, forgets everything the
 * moment it is told it stopped hearing, and refuses any read that began before the last
 * change or the last moment it started hearing again (the generation), since that read may
 * have seen what the change replaced. `maxAgeMs` bounds what a connection that died without
 * a word could leave stale. Unknown callers are never kept: a merchant created a moment
 * ago is found by its first request.
 */
export class SigningKeyCache<T> {
  private readonly entries = new Map<string, { value: T; keptAt: number }>();
  private hearing = false;
  private generationNow = 0;

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries = 10_000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** What a read that starts now must hand to `keep`. */
  get generation(): number {
    return this.generationNow;
  }

  get size(): number {
    return this.entries.size;
  }

  find(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock() - entry.keptAt < this.maxAgeMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Keeps what a read that started at `generation` found, unless anything changed since it started. */
  keep(key: string, value: T, generation: number): void {
    if (!this.hearing || this.maxAgeMs <= 0 || generation !== this.generationNow) return;
    // Oldest first out: a Map iterates in insertion order, and a kept key is re-inserted.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, keptAt: this.clock() });
  }

  /** Something changed: forget everything, and every read under way. */
  changed(): void {
    this.generationNow++;
    this.entries.clear();
  }

  /** Changes are heard from now on; what happened while deaf is unknown, so forget it all. */
  hearingChanges(): void {
    this.changed();
    this.hearing = true;
  }

  /** Changes are no longer heard: keep nothing until `hearingChanges`. */
  deaf(): void {
    this.hearing = false;
    this.changed();
  }
}
