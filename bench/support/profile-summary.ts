/**
 * `npx tsx bench/support/profile-summary.ts <file.cpuprofile> [--top=30] [--from=s] [--to=s] [--callers-of=fn]`: where a V8 CPU profile
 * (`node --cpu-prof`, as `npm run bench -- --profile` records) spent its time — self time by
 * function and by package, and how much was idle. A text companion to a flame graph.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:') || url === '') return url || '(native)';
  const local = /\/work\/[^/]+\/([^/]+\/[^/]+)/.exec(url);
  return local ? `paymesh:${local[1]}` : url;
}

/** Busy percentage of each second of the profile: where the process was saturated. */
export function busyTimeline(profile: CpuProfile): string {
  const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const seconds: Array<{ idle: number; total: number }> = [];
  let t = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const s = (seconds[Math.floor(t / 1e6)] ??= { idle: 0, total: 0 });
    s.total += dt;
    if (idleIds.has(id)) s.idle += dt;
  });
  return seconds.map((s, i) => `${i}s:${s ? Math.round(100 - (100 * s.idle) / s.total) : 0}%`).join(' ');
}

/** Self time by package and by function, of the samples between `fromS` and `toS` seconds after the profile's start. */
export function summariseProfile(profile: CpuProfile, top = 30, fromS = 0, toS = Infinity): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let t = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < fromS * 1e6 || t > toS * 1e6) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '')}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const pkg = frame.functionName === '(idle)' ? '(idle)' : frame.functionName === '(garbage collector)' ? '(gc)' : packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const rank = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `total ${(total / 1e6).toFixed(1)} s sampled`,
    '',
    'self time by package:',
    ...rank(byPackage).map(([k, us]) => `${pct(us)}  ${k}`),
    '',
    'self time by function:',
    ...rank(byFunction).map(([k, us]) => `${pct(us)}  ${k}`),
  ].join('\n');
}

/**
 * Where the samples of one function came from: its most common chains of callers (`depth`
 * frames up, nearest first), between `fromS` and `toS` — e.g. which socket a `writeBuffer`
 * was writing to (bench/FINDINGS.md).
 */
export function callersOf(profile: CpuProfile, functionName: string, depth = 8, fromS = 0, toS = Infinity, top = 10): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const chains = new Map<string, number>();
  let total = 0;
  let t = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t < fromS * 1e6 || t > toS * 1e6 || byId.get(id)!.callFrame.functionName !== functionName) return;
    total++;
    const frames: string[] = [];
    for (let at = parentOf.get(id); at !== undefined && frames.length < depth; at = parentOf.get(at)) {
      const f = byId.get(at)!.callFrame;
      frames.push(`${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '')}:${f.lineNumber + 1}`);
    }
    const chain = frames.join('\n      < ');
    chains.set(chain, (chains.get(chain) ?? 0) + 1);
  });
  const ranked = [...chains.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [`${total} samples of ${functionName}, by caller chain:`, ...ranked.map(([chain, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}%  ${chain}`)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx bench/support/profile-summary.ts <file.cpuprofile> [--top=30] [--from=s] [--to=s] [--callers-of=function]');
    process.exit(1);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const [from, to] = [Number(option('from') ?? 0), Number(option('to') ?? Infinity)];
  const callersOfName = option('callers-of');
  if (callersOfName) {
    console.log(callersOf(profile, callersOfName, 8, from, to));
  } else {
    console.log(`busy per second: ${busyTimeline(profile)}\n`);
    console.log(summariseProfile(profile, Number(option('top') ?? 30), from, to));
  }
}
