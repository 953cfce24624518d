// Typed face of tools/stub-server.mjs, the loopback API every integration test talks to.
// @ts-expect-error: plain ESM module without declarations
import { startStub as start } from '../../tools/stub-server.mjs';

export interface StubRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Name, value, name, value… as received, repeats included. */
  rawHeaders: string[];
  body: string;
}

export interface Stub {
  url: string;
  origin: string;
  port: number;
  requests: StubRequest[];
  connections(): number;
  reset(): void;
  close(): Promise<void>;
}

/** `known`: values /reflect-known reflects (given out of band: the server process never resolved them). */
export const startStub: (options?: { port?: number; host?: string; known?: string[] }) => Promise<Stub> = start;
