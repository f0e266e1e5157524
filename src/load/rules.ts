/**
 * Checks for single values of workflow.yaml. Each returns undefined when the value is fine, or a
 * message (and maybe a hint) saying what is wrong. The rules are stricter than any one consumer needs,
 * because one value lands in several places: a component name is an OCI repository, a wadm app name,
 * a NATS subject token and a directory name at once.
 */
import { parseSocket, registryPortProblem } from './network.js';

export interface Problem {
  message: string;
  hint?: string;
  /** Set when the problem is inside another file (a task file) rather than at the YAML value. */
  at?: { file: string; line: number; col: number };
}

const CONTROL_OR_SPACE = /[\s\u0000-\u001f\u007f-\u009f]/u;
const QUOTES = /["'`]/;

/**
 * OCI repository path component (`[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`) intersected with wadm's app-name
 * rule (`^[-\w]+$`): dots are out because wadm puts the name into NATS subjects.
 */
const COMPONENT_NAME = /^[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*$/;

export function checkComponentName(v: string): Problem | undefined {
  if (v.length > 63)
    return {
      message: `component_name "${v}" is longer than 63 characters`,
      hint: 'shorten it: it names an OCI repository and a wadm app',
    };
  if (COMPONENT_NAME.test(v)) return undefined;
  const suggestion = v
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .replace(/_{3,}/g, '_');
  return {
    message: `component_name "${v}" is not a valid OCI repository and wadm app name`,
    hint:
      'use lowercase letters, digits, and single "_" or "-" between them, no spaces or dots' +
      (suggestion && COMPONENT_NAME.test(suggestion) ? `, e.g. "${suggestion}"` : ''),
  };
}

/** Semantic Versioning 2.0.0, without build metadata (`+` is not allowed in an OCI tag). */
const SEMVER = new RegExp(
  String.raw`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
    String.raw`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$`,
);

export function checkVersion(v: string): Problem | undefined {
  if (v.toLowerCase() === 'latest') {
    return {
      message: 'version "latest" is not allowed',
      hint: 'tags are immutable; use a semantic version such as 1.0.0',
    };
  }
  if (/^v\d/.test(v) && SEMVER.test(v.slice(1))) {
    return { message: `version "${v}" must not start with "v"`, hint: `write ${v.slice(1)}` };
  }
  if (v.includes('+')) {
    return {
      message: `version "${v}" has build metadata ("+…"), which an OCI tag cannot hold`,
      hint: 'use a pre-release such as 1.0.0-build.5',
    };
  }
  if (v.length > 128 || !SEMVER.test(v)) {
    return {
      message: `version "${v}" is not a semantic version`,
      hint: 'use MAJOR.MINOR.PATCH, e.g. 1.0.0 or 1.2.0-rc.1',
    };
  }
  return undefined;
}

/**
 * A NATS subject. Tokens are separated by dots and must be non-empty. Whitespace, control characters
 * and quotes are refused everywhere; `,` and `|` too, because the messaging provider's `subscriptions`
 * setting uses them as separators. Wildcards (`*`, `>`) only where a subscription is meant.
 */
export function checkSubject(v: string, allowWildcards: boolean): Problem | undefined {
  const alphabet = 'use letters, digits, "_" and "-" in dot-separated tokens, e.g. sensors.kitchen';
  if (v.length === 0) return { message: 'topic is empty', hint: alphabet };
  if (v.length > 255) return { message: 'topic is longer than 255 characters', hint: 'shorten it' };
  if (CONTROL_OR_SPACE.test(v))
    return { message: `topic ${JSON.stringify(v)} contains whitespace or a control character`, hint: alphabet };
  if (QUOTES.test(v)) return { message: `topic ${JSON.stringify(v)} contains a quote`, hint: alphabet };
  if (/[,|]/.test(v))
    return {
      message: `topic ${JSON.stringify(v)} contains "," or "|"`,
      hint: 'those separate subscriptions and queue groups',
    };
  const tokens = v.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '') return { message: `topic "${v}" has an empty token`, hint: 'no leading, trailing or double dots' };
    const wild = t === '*' || (t === '>' && i === tokens.length - 1);
    if (t.includes('*') || t.includes('>')) {
      if (!wild)
        return {
          message: `topic "${v}" uses a wildcard inside a token`,
          hint: '"*" must be a whole token, ">" only the last one',
        };
      if (!allowWildcards)
        return {
          message: `topic "${v}" has a wildcard, but a concrete subject is needed to publish to`,
          hint: `name one subject, e.g. ${tokens.map((x) => (x === '*' || x === '>' ? 'all' : x)).join('.')}`,
        };
    }
  }
  return undefined;
}

/**
 * Whether a subscription `pattern` receives messages published on `subject` (NATS rules: `*` is one
 * token, a final `>` one or more).
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>' && i === p.length - 1) return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** Host label values (`host-type=<target>`): the Kubernetes label-value alphabet, which every host accepts. */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

export function checkTarget(v: string): Problem | undefined {
  if (LABEL.test(v)) return undefined;
  return {
    message: `target "${v}" is not a valid host label`,
    hint: 'letters, digits, ".", "_" and "-", starting and ending with a letter or digit, at most 63 characters',
  };
}

/** Lattice names go into NATS subjects (`wadm.api.{lattice}…`): one token, no wildcards. */
export function checkLattice(v: string): Problem | undefined {
  if (/^[-\w]+$/.test(v) && v.length <= 63) return undefined;
  return { message: `lattice "${v}" is not a valid lattice name`, hint: 'letters, digits, "_" and "-" only' };
}

/** `host[:port][/path]`, lowercase, as OCI references need; no scheme, no tag. */
const REGISTRY = new RegExp(
  String.raw`^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?` +
    String.raw`(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$`,
);

export function checkRegistry(v: string): Problem | undefined {
  if (/^[a-z]+:\/\//i.test(v))
    return { message: `registry "${v}" must not include a scheme`, hint: `write ${v.replace(/^[a-z]+:\/\//i, '')}` };
  if (REGISTRY.test(v)) {
    const port = registryPortProblem(v.split('/')[0]!);
    return port ? { message: `registry "${v}": ${port}`, hint: 'e.g. localhost:5000' } : undefined;
  }
  if (REGISTRY.test(v.toLowerCase()))
    return { message: `registry "${v}" has capital letters`, hint: `OCI references are lowercase: ${v.toLowerCase()}` };
  return {
    message: `registry "${v}" is not a valid registry reference`,
    hint: 'e.g. ghcr.io/acme/iot or localhost:5000 (lowercase, no tag)',
  };
}

/** Config keys become keys of a wasmCloud named config; keep them to a portable alphabet. */
export function checkConfigKey(v: string): Problem | undefined {
  // JavaScript objects on the way (manifests, test runs) would swallow it as their prototype.
  if (v === '__proto__')
    return {
      message: 'config key "__proto__" is not allowed',
      hint: 'it is a special name in JavaScript; choose another',
    };
  // The component's merged config also holds PELATO's own keys (the HTTP token, pelato_http_token).
  if (/^pelato_/i.test(v))
    return {
      message: `config key "${v}" is reserved for PELATO`,
      hint: 'pick a key that does not start with "pelato_"',
    };
  if (/^[A-Za-z0-9_.-]{1,128}$/.test(v)) return undefined;
  return { message: `config key "${v}" is not allowed`, hint: 'letters, digits, "_", "." and "-" only' };
}

/** Any free-text value (names, config values): well-formed Unicode and no control characters but tab. */
export function checkText(v: string, what: string): Problem | undefined {
  if (!v.isWellFormed())
    return {
      message: `${what} contains an unpaired surrogate (invalid Unicode)`,
      hint: 'remove the escape sequence ("\\uD8…") or complete the pair',
    };
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(v))
    return { message: `${what} contains a control character or line break`, hint: 'keep it to one line of text' };
  return undefined;
}

/** `IP:PORT` for the http-server provider (see network.ts for what it reads). */
export function checkAddress(v: string): Problem | undefined {
  const s = parseSocket(v);
  return 'problem' in s ? { message: `http address "${v}" ${s.problem}`, hint: s.hint } : undefined;
}

/** The request path the component serves. */
export function checkHttpPath(v: string): Problem | undefined {
  if (/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(v) && !v.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(v))
    return undefined;
  return { message: `http path "${v}" is not a valid URL path`, hint: 'start with "/", e.g. /readings' };
}

/** SQL identifiers are quoted in the generated query, but still kept to a plain alphabet. */
export function checkSqlIdentifier(v: string, what: string): Problem | undefined {
  if (/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(v)) return undefined;
  return {
    message: `${what} "${v}" is not a plain SQL identifier`,
    hint: 'letters, digits and "_", not starting with a digit',
  };
}

/** Named config references (wasmCloud config names). */
export function checkConfigName(v: string): Problem | undefined {
  if (/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(v)) return undefined;
  return { message: `config name "${v}" is not valid`, hint: 'letters, digits, "_" and "-"' };
}

/** OCI references for provider images (or `wasmcloud+builtin://…`). */
export function checkImageRef(v: string): Problem | undefined {
  if (/^wasmcloud\+builtin:\/\/[a-z0-9-]+$/.test(v)) return undefined;
  if (
    /^[a-z0-9][a-z0-9.-]*(?::\d+)?(?:\/[a-z0-9._-]+)+(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[a-f0-9]{64})$/.test(
      v,
    )
  ) {
    if (/:latest$/.test(v))
      return {
        message: `provider image "${v}" uses the tag "latest"`,
        hint: 'wasmCloud hosts refuse it; pin a version',
      };
    const port = registryPortProblem(v.split('/')[0]!);
    if (port)
      return { message: `provider image "${v}": registry ${port}`, hint: 'e.g. localhost:5000/messaging-nats:0.27.0' };
    return undefined;
  }
  return {
    message: `provider image "${v}" is not a tagged OCI reference`,
    hint: 'e.g. ghcr.io/wasmcloud/messaging-nats:0.27.0 or wasmcloud+builtin://messaging-nats',
  };
}
