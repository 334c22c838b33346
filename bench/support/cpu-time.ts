import { readFileSync } from 'node:fs';
import type pg from 'pg';

// CPU time by process from /proc (user + system), so a run can say how many CPU milliseconds each part spent per
// message: a figure that other work on the machine changes much less than wall-clock throughput.

const ticksPerSecond = 100;

export function cpuMs(pid: number): number {
  const { user, system } = cpuSplitMs(pid);
  return user + system;
}

/** User and system (kernel) CPU ms of a process; on loopback the kernel's share includes the receiving side's TCP work. */
export function cpuSplitMs(pid: number): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: (Number(fields[11]) * 1000) / ticksPerSecond, system: (Number(fields[12]) * 1000) / ticksPerSecond };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** The PostgreSQL backends serving a database now (pids are on this machine: PostgreSQL runs on loopback). */
export async function backendPids(pool: pg.Pool, database: string): Promise<number[]> {
  const rows = await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
  return rows.rows.map((row) => row.pid);
}

export class CpuMeter {
  private readonly start = new Map<number, number>();

  constructor(private readonly pids: () => number[]) {
    for (const pid of pids()) this.start.set(pid, cpuMs(pid));
  }

  /** CPU ms spent since construction by the pids known then and since (new ones counted from zero). */
  spent(): number {
    let total = 0;
    for (const pid of new Set([...this.start.keys(), ...this.pids()])) total += Math.max(0, cpuMs(pid) - (this.start.get(pid) ?? 0));
    return total;
  }
}
