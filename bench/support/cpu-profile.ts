import { readFileSync } from 'node:fs';

// Where a process spent its CPU: a V8 .cpuprofile (node --cpu-prof) summed by self time, per function and per
// package (a node_modules package, a Matterline source folder, or Node's own internals).

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** CPU time sampled, idle excluded. */
  busyMs: number;
  idleMs: number;
  functions: SelfTime[];
  packages: SelfTime[];
}

const special = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

export function packageOf(url: string, functionName: string): string {
  if (special.has(functionName)) return functionName;
  if (!url) return '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const source = /\/(src|bench)\/(.+)$/.exec(url);
  if (source) {
    const parts = source[2]!.split('/');
    return `${source[1]}/${parts.length > 1 ? parts[0] : parts[0]!.replace(/\.ts$/, '')}`;
  }
  return url.replace(/^file:\/\//, '');
}

/**
 * Sums a profile's self time. `lastMs` keeps only the samples of the profile's last milliseconds (the measured load,
 * not start-up and warm-up: a process under tsx spends seconds compiling modules when it starts).
 */
export function summariseProfile(file: string, top = 12, lastMs?: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const times: number[] = [];
  let at = profile.endTime;
  for (let index = profile.timeDeltas.length - 1; index >= 0; index--) {
    times[index] = at;
    at -= profile.timeDeltas[index] ?? 0;
  }
  const from = lastMs === undefined ? -Infinity : profile.endTime - lastMs * 1000;
  profile.samples.forEach((id, index) => {
    if ((times[index] ?? 0) < from) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const pkg = packageOf(frame.url, frame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const rank = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs ? us / busyUs : 0 }));
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, functions: rank(functions), packages: rank(packages) };
}
