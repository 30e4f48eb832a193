// Decide which proxy, if any, an upstream URL goes through, from `--proxy` or the environment
// (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY in either case), as pip does it through requests
// and urllib (checked against pip 23.2.1 with a logging proxy on 127.0.0.1).
// Docs: https://requests.readthedocs.io/en/latest/user/advanced/#proxies ,
// https://docs.python.org/3/library/urllib.request.html#urllib.request.getproxies
// Traps:
// - A lower-case variable wins over the upper-case one, and an empty lower-case one means "no
//   proxy" even when the upper-case one is set; but an empty `no_proxy` falls back to NO_PROXY.
// - An https URL uses HTTPS_PROXY, then ALL_PROXY; never HTTP_PROXY (undici's own env agent falls
//   back to it, pip does not).
// - `--proxy` is used for every upstream: pip does not apply NO_PROXY to it.
// - NO_PROXY entries: `*` alone bypasses all; a name matches itself and its subdomains (a leading
//   `.` or `*.` is dropped); `host:port` only that port; an IPv4 address matches itself and a
//   CIDR block (`10.0.0.0/8`) the addresses in it; case does not matter.
// - A proxy written without a scheme (`proxy.corp:3128`) means http://, as in requests.

import { isIP } from "node:net";

/** The proxies that apply, by upstream scheme; `noProxy` is ignored when `fromFlag`. */
export interface ProxySettings {
  http?: string;
  https?: string;
  noProxy: string;
  /** True when the proxy came from `--proxy` (NO_PROXY does not apply to it). */
  fromFlag: boolean;
}

type Env = Record<string, string | undefined>;

/** urllib's rule for one `<scheme>_proxy` variable: lower case first, even when empty. */
function proxyVariable(env: Env, name: string): string | undefined {
  const lower = env[name];
  if (lower !== undefined) return lower === "" ? undefined : lower;
  const upper = env[name.toUpperCase()];
  return upper === "" ? undefined : upper;
}

/** `proxy.corp:3128` -> `http://proxy.corp:3128`; a value with a scheme is kept. */
export function withProxyScheme(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/**
 * The proxy settings of `--proxy` (when given) or of `env` (see the rules at the top of the file).
 * Proxy values are returned with a scheme; they are not validated here.
 */
export function proxySettings(flag: string | undefined, env: Env): ProxySettings {
  if (flag) {
    const proxy = withProxyScheme(flag);
    return { http: proxy, https: proxy, noProxy: "", fromFlag: true };
  }
  const all = proxyVariable(env, "all_proxy");
  const http = proxyVariable(env, "http_proxy") ?? all;
  const https = proxyVariable(env, "https_proxy") ?? all;
  const settings: ProxySettings = {
    noProxy: env.no_proxy || env.NO_PROXY || "",
    fromFlag: false,
  };
  if (http) settings.http = withProxyScheme(http);
  if (https) settings.https = withProxyScheme(https);
  return settings;
}

function ipv4ToNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

/** True when IPv4 `ip` lies in `cidr` ("10.0.0.0/8"); false for anything that is not a CIDR. */
function inCidr(ip: string, cidr: string): boolean {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m || isIP(m[1]) !== 4) return false;
  const bits = Number(m[2]);
  if (bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ipv4ToNumber(ip) / size) === Math.floor(ipv4ToNumber(m[1]) / size);
}

/**
 * True when NO_PROXY value `noProxy` says `url` (http or https) is reached directly.
 * Entries are separated by commas or blanks.
 */
export function bypassesProxy(url: string | URL, noProxy: string): boolean {
  const value = noProxy.trim();
  if (value === "") return false;
  if (value === "*") return true;
  const u = new URL(url);
  const host = u.hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  const port = Number(u.port) || (u.protocol === "https:" ? 443 : 80);
  for (const raw of value.toLowerCase().split(/[\s,]+/)) {
    if (raw === "") continue;
    if (isIP(host) === 4 && inCidr(host, raw)) return true;
    let name = raw;
    const withPort = /^(.*):(\d+)$/.exec(raw);
    if (withPort && isIP(raw) !== 6) {
      if (Number(withPort[2]) !== port) continue;
      name = withPort[1];
    }
    name = name.replace(/^\[(.*)\]$/, "$1").replace(/^\*?\.+/, "");
    if (name === "") continue;
    if (host === name) return true;
    if (isIP(host) === 0 && host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The proxy URL `url` goes through under `settings`, or undefined for a direct connection. */
export function selectProxy(url: string | URL, settings: ProxySettings): string | undefined {
  const u = new URL(url);
  const proxy = u.protocol === "https:" ? settings.https : settings.http;
  if (proxy === undefined) return undefined;
  if (!settings.fromFlag && bypassesProxy(u, settings.noProxy)) return undefined;
  return proxy;
}
