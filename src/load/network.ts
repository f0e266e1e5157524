/**
 * Addresses as the providers read them. The http-server provider parses `http.address` as a socket
 * address (Rust's `SocketAddr`): an IPv4 address in dotted decimal without leading zeros, or an IPv6
 * address in brackets, and a port. Two tasks conflict when their sockets would bind the same port on
 * one host, which the text alone does not show (`0.0.0.0:8000` and `127.0.0.1:8000`, `:8000` and
 * `:08000`).
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Socket {
  family: 4 | 6;
  /** Canonical address: dotted decimal, or IPv6 as 8 lowercase groups of 4 hex digits. */
  ip: string;
  unspecified: boolean;
  port: number;
}

export type SocketOrProblem = Socket | { problem: string; hint: string };

const PORT_HINT = 'a port from 1 to 65535';

/** Parses `IP:PORT` / `[IPv6]:PORT`; says precisely what is wrong otherwise. */
export function parseSocket(v: string): SocketOrProblem {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(v);
  if (!m) {
    if (!v.includes(':')) return { problem: 'has no port', hint: 'write IP:PORT, e.g. 0.0.0.0:8000' };
    if (/^[0-9a-fA-F:]+:\d+$/.test(v) && isIPv6(v.slice(0, v.lastIndexOf(':')))) {
      return {
        problem: 'has an IPv6 address without brackets',
        hint: `write [${v.slice(0, v.lastIndexOf(':'))}]:${v.slice(v.lastIndexOf(':') + 1)}`,
      };
    }
    return { problem: 'is not IP:PORT', hint: 'e.g. 0.0.0.0:8000 or [::]:8080' };
  }
  const [, v6, v4, portText] = m;
  const port = parsePort(portText!);
  if (typeof port === 'string')
    return { problem: `has port "${portText}", not ${PORT_HINT}`, hint: 'e.g. 0.0.0.0:8000' };
  if (v6 !== undefined) {
    if (v6.includes('%'))
      return {
        problem: 'has an IPv6 zone ("%…"), which the provider does not read',
        hint: 'use [::] or an address without a zone',
      };
    if (!isIPv6(v6))
      return { problem: `has "${v6}", which is not an IPv6 address`, hint: 'e.g. [::]:8080 or [::1]:8080' };
    const ip = expandIPv6(v6);
    return { family: 6, ip, unspecified: /^[0:]+$/.test(ip), port };
  }
  const host = v4!;
  if (host === '')
    return { problem: 'has no IP address before the port', hint: `write 0.0.0.0:${portText} for every interface` };
  if (host === 'localhost') return { problem: 'names a host, not an IP address', hint: `write 127.0.0.1:${portText}` };
  if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) {
    return /^[\d.]+$/.test(host)
      ? {
          problem: `has "${host}", which is not an IPv4 address (four numbers from 0 to 255)`,
          hint: 'e.g. 0.0.0.0:8000',
        }
      : {
          problem: 'names a host, not an IP address',
          hint: 'write an IP address, e.g. 0.0.0.0:8000 for every interface',
        };
  }
  const octets = host.split('.');
  if (octets.some((o) => o.length > 1 && o.startsWith('0')))
    return {
      problem: `has "${host}" with a leading zero, which the provider refuses (it could be read as octal)`,
      hint: `write ${octets.map(Number).join('.')}:${port}`,
    };
  if (octets.some((o) => Number(o) > 255) || !isIPv4(host))
    return {
      problem: `has "${host}", which is not an IPv4 address (four numbers from 0 to 255)`,
      hint: 'e.g. 0.0.0.0:8000',
    };
  return { family: 4, ip: host, unspecified: host === '0.0.0.0', port };
}

/** A decimal port 1–65535 (leading zeros read as decimal, as the provider does), or a problem. */
export function parsePort(text: string): number | string {
  if (!/^\d{1,5}$/.test(text)) return 'not a number';
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : 'out of range';
}

function expandIPv6(v: string): string {
  let s = v.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const o = tail[1]!.split('.').map(Number);
    s = s.slice(0, tail.index) + `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = rest === undefined ? [] : rest ? rest.split(':') : [];
  const fill = rest === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => g.padStart(4, '0')).join(':');
}

/**
 * Whether two sockets would compete for one port on a host: same port, and the same address, or one
 * of them the unspecified address of its family. `[::]` also takes IPv4 (dual-stack, Linux's default).
 */
export function socketsClash(a: Socket, b: Socket): boolean {
  if (a.port !== b.port) return false;
  if (a.family === b.family) return a.unspecified || b.unspecified || a.ip === b.ip;
  const v6 = a.family === 6 ? a : b;
  const v4 = a.family === 4 ? a : b;
  return v6.unspecified || v6.ip === mappedV6(v4.ip);
}

function mappedV6(ip4: string): string {
  return expandIPv6(`::ffff:${ip4}`);
}

/** `host:port` of a registry: the port, when given, must be a port. */
export function registryPortProblem(hostPort: string): string | undefined {
  const m = /:(\d+)$/.exec(hostPort);
  if (!m) return undefined;
  return typeof parsePort(m[1]!) === 'string' ? `port ${m[1]} is not ${PORT_HINT}` : undefined;
}
