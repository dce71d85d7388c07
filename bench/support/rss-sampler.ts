import { readFileSync } from 'node:fs';

/** Resident set size of a process in KiB, from `/proc/<pid>/status` (Linux). Null once it has gone. */
export function readMemoryKb(pid: number): { rssKb: number; hwmKb: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

export interface MemoryWindow {
  label: string;
  /** Highest VmRSS sampled while the window was open, in MiB. */
  peakMb: number;
}

/**
 * Samples a process's RSS every `everyMs` for the whole run. The kernel's own high-water
 * mark (VmHWM) is the authoritative peak; samples attribute it to the section that was
 * running (a sample can miss a spike shorter than its interval, VmHWM cannot).
 */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  private readonly samples: Array<{ at: number; rssKb: number }> = [];
  private lastHwmKb = 0;
  private readonly windows: Array<{ label: string; from: number; to: number | null }> = [];

  constructor(
    private readonly pid: number,
    private readonly everyMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  /** Marks the start of a section; the previous one (if open) ends here. */
  begin(label: string): void {
    this.end();
    this.windows.push({ label, from: Date.now(), to: null });
  }

  end(): void {
    const open = this.windows.at(-1);
    if (open && open.to === null) {
      this.sample();
      open.to = Date.now();
    }
  }

  stop(): void {
    this.end();
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The kernel's peak RSS of the process so far (VmHWM), in MiB. */
  peakMb(): number {
    this.sample();
    return this.lastHwmKb / 1024;
  }

  currentMb(): number {
    return (this.samples.at(-1)?.rssKb ?? 0) / 1024;
  }

  perWindow(): MemoryWindow[] {
    return this.windows.map((w) => {
      const inside = this.samples.filter((s) => s.at >= w.from && s.at <= (w.to ?? Date.now()));
      return { label: w.label, peakMb: Math.max(0, ...inside.map((s) => s.rssKb)) / 1024 };
    });
  }

  private sample(): void {
    const mem = readMemoryKb(this.pid);
    if (!mem) return;
    this.samples.push({ at: Date.now(), rssKb: mem.rssKb });
    if (Number.isFinite(mem.hwmKb)) this.lastHwmKb = Math.max(this.lastHwmKb, mem.hwmKb);
  }
}
