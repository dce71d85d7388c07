/**
 * Group commit for concurrent jobs of one process: items submitted while batches are being
 * written wait and go together into the next one, so N concurrent jobs cost one round of
 * statements instead of N. A batch starts on the next turn of the event loop after its
 * first item (jobs that became ready together join it) whenever fewer than `maxInFlight`
 * batches are running, so a lone item waits no longer than that. Each submitter gets its
 * own result; if a batch fails as a whole, every submitter of that batch gets the error.
 */
export class TickBatch<I, O> {
  private waiting: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;
  private starting = false;

  constructor(
    /** Runs one batch; answers one result per item, in the items' order. */
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly limits: {
      /** Keeps one statement's parameters (and a transaction's locks) bounded. */
      maxItems: number;
      /** Batches running at once: a round trip's wait is not added to every later batch's. */
      maxInFlight: number;
    },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.startSoon();
    });
  }

  private startSoon(): void {
    if (this.starting || this.inFlight >= this.limits.maxInFlight || this.waiting.length === 0) return;
    this.starting = true;
    setImmediate(() => {
      this.starting = false;
      if (this.inFlight >= this.limits.maxInFlight) return;
      void this.runBatch(this.waiting.splice(0, this.limits.maxItems));
      this.startSoon();
    });
  }

  private async runBatch(batch: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }>): Promise<void> {
    this.inFlight++;
    try {
      const results = await this.run(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`batch answered ${results.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (e) {
      for (const w of batch) w.reject(e);
    } finally {
      this.inFlight--;
      this.startSoon();
    }
  }
}
