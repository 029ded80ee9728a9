/**
 * What a wrangler dev server costs the machine, read from /proc (Linux): its processes, their
 * memory, and the CPU time they used. Both benchmarks compare servers by these.
 */
import { readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { round } from "./load";

interface Proc {
  pid: number;
  name: string;
  ppid: number;
}

function processes(): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      found.push({ pid: Number(entry), name, ppid });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The server's own process and all its descendants (wrangler's Node.js proxy and the workerd processes). */
export function serverPids(rootPid: number): number[] {
  const all = processes();
  const parent = new Map(all.map((p) => [p.pid, p.ppid]));
  const descends = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) if (p === rootPid) return true;
    return false;
  };
  return all.filter((p) => descends(p.pid)).map((p) => p.pid);
}

/** Of those, the workerd processes (the Worker, its D1 and the runtime's services run there). */
export function workerdPids(rootPid: number): number[] {
  const names = new Map(processes().map((p) => [p.pid, p.name]));
  return serverPids(rootPid).filter((pid) => names.get(pid)?.startsWith("workerd"));
}

/**
 * Resident and peak resident memory (MiB) of the largest of a server's workerd processes
 * (wrangler runs more than one; the Worker's own is the one that grows).
 */
export function memory(pids: number[]): { rssMiB: number; peakMiB: number } | null {
  const found = { rssMiB: 0, peakMiB: 0 };
  let read = false;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1] ?? Number.NaN);
      found.rssMiB = Math.max(found.rssMiB, round(kb("VmRSS") / 1024, 1));
      found.peakMiB = Math.max(found.peakMiB, round(kb("VmHWM") / 1024, 1));
      read = true;
    } catch {
      // gone meanwhile
    }
  }
  return read ? found : null;
}

let ticksPerSecond: number | undefined;

/** CPU time (user + system, ms) the processes have used so far. */
export function cpuMs(pids: number[]): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // gone meanwhile
    }
  }
  return (ticks / ticksPerSecond) * 1000;
}
