/**
 * `BENCH_PROFILE=1 npm run bench`: a V8 CPU profile of the product Worker during the measured
 * punch run, taken through wrangler's inspector, saved as `.cpuprofile` (open it in Chrome
 * DevTools) and summarised as the functions with the most self time.
 */
import { writeFileSync } from "node:fs";
import WebSocket from "ws";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export class CpuProfiler {
  private nextId = 1;
  private waiting = new Map<number, (result: any) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.waiting.get(message.id)?.(message.result);
    });
  }

  /** Connects to the Worker's target on a wrangler inspector port. */
  static async connect(inspectorPort: number): Promise<CpuProfiler> {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string }[];
    const url = targets[0]?.webSocketDebuggerUrl;
    if (!url) throw new Error("no inspector target");
    const socket = new WebSocket(url);
    await new Promise((ok, fail) => socket.once("open", ok).once("error", fail));
    const profiler = new CpuProfiler(socket);
    await profiler.send("Profiler.enable");
    // 1 ms: a finer interval over a minute-long run makes a profile too large for the inspector to hand over.
    await profiler.send("Profiler.setSamplingInterval", { interval: 1000 });
    return profiler;
  }

  private send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  start() {
    return this.send("Profiler.start");
  }

  /** Stops, writes the profile, and returns the top self-time entries. */
  async stop(file: string, top = 25) {
    const { profile } = (await this.send("Profiler.stop")) as { profile: Profile };
    this.socket.close();
    writeFileSync(file, JSON.stringify(profile));
    const total = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
    const bySelf = new Map<string, number>();
    for (const node of profile.nodes) {
      const { functionName, url, lineNumber } = node.callFrame;
      const where = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
      bySelf.set(where, (bySelf.get(where) ?? 0) + (node.hitCount ?? 0));
    }
    return [...bySelf]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, hits]) => ({ where, selfPercent: Math.round((hits / total) * 1000) / 10 }));
  }
}
