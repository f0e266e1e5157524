/**
 * The bearer tokens of a plan's HTTP tasks, read from the environment (a CI secret, .env, the shell) by
 * deploy and by `pelato dev`. A token lives only in memory and in the named config it is put into; it is
 * never written to gen/, a manifest, a log or an error message.
 */
import { PelatoError } from '../common/diagnostics.js';
import { checkToken } from '../load/httpRules.js';
import { HTTP_TOKEN_KEY, type Plan } from '../model/plan.js';

export interface HttpToken {
  app: string;
  /** Named config the component reads the token from. */
  config: string;
  /** Environment variable it came from (for messages). */
  env: string;
  /** The config's contents: { pelato_http_token: <token> }. */
  values: Record<string, string>;
}

/** One entry per app with http.auth; every missing or unusable token is named in one error. */
export function httpTokens(plan: Plan, env: Record<string, string | undefined>): HttpToken[] {
  const out: HttpToken[] = [];
  const problems: string[] = [];
  for (const t of plan.tasks) {
    const auth = t.http?.auth;
    if (!auth) continue;
    const token = env[auth.token_env];
    if (token === undefined || token === '') {
      problems.push(`${auth.token_env} is not set (${t.app} has http.auth: bearer)`);
      continue;
    }
    const bad = checkToken(token, auth.token_env);
    if (bad) problems.push(`${bad} (${t.app})`);
    else out.push({ app: t.app, config: auth.config, env: auth.token_env, values: { [HTTP_TOKEN_KEY]: token } });
  }
  if (problems.length) {
    throw new PelatoError(
      problems.join('; '),
      'set each in the environment, in .env or as a CI secret, e.g. from `openssl rand -hex 32`',
      'setting',
    );
  }
  return out;
}

/** Token values, for scrubbing from anything printed. */
export function tokenSecrets(tokens: HttpToken[]): string[] {
  return tokens.map((t) => t.values[HTTP_TOKEN_KEY]!);
}
