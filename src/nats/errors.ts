/**
 * nats.js errors, sorted once into what PELATO decides on. The client's error classes are the first
 * source; their wording is a fallback only, for older servers and wrapped causes. Nothing else in PELATO
 * looks at a NATS error's text: the connection and the wadm client switch on these kinds.
 */

/** Why a connection attempt failed. Only `unreachable` and `timeout` are worth another attempt. */
export type ConnectFailure = 'auth' | 'expired' | 'tls' | 'timeout' | 'unreachable';

/** Why a request over an open connection failed. */
export type RequestFailure = 'no-responders' | 'timeout' | 'permission' | 'closed' | 'other';

type NatsErrorLike = Error & { cause?: Error; isNoResponders?: () => boolean };

/** The error's message with its cause's, as the user is shown it. */
export function errorDetail(e: unknown): string {
  const err = e as NatsErrorLike | undefined;
  const msg = String(err?.message ?? e);
  const cause = err?.cause?.message;
  return `${msg}${cause && cause !== msg ? `: ${cause}` : ''}`;
}

export function classifyConnectError(e: unknown): ConnectFailure {
  const err = e as NatsErrorLike | undefined;
  const name = err?.name ?? '';
  const msg = String(err?.message ?? e);
  if (name === 'AuthorizationError' || /authorization violation|authentication/i.test(msg)) return 'auth';
  if (name === 'UserAuthenticationExpiredError' || /expired/i.test(msg)) return 'expired';
  const detail = errorDetail(e);
  if (/tls|certificate|self.signed|SSL|handshake|EPROTO|unable to verify/i.test(detail) && !/ECONNREFUSED/.test(detail))
    return 'tls';
  if (name === 'TimeoutError') return 'timeout';
  return 'unreachable';
}

export function classifyRequestError(e: unknown): RequestFailure {
  const err = e as NatsErrorLike | undefined;
  const names = [err?.name, err?.cause?.name];
  if (names.includes('NoRespondersError') || err?.isNoResponders?.()) return 'no-responders';
  if (names.includes('TimeoutError')) return 'timeout';
  if (names.includes('PermissionViolationError') || /permission/i.test(err?.message ?? '')) return 'permission';
  if (names.includes('ClosedConnectionError') || names.includes('DrainingConnectionError')) return 'closed';
  return 'other';
}
