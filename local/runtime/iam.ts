/** IAM identity-policy evaluation for the callers the runtime knows (functions and state machines). */

export interface PolicyStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: unknown;
}

export interface Principal {
  /** The access key id the caller signs with (the function name for functions). */
  readonly accessKeyId: string;
  /** A readable name for logs, e.g. `function OrdersFn`. */
  readonly label: string;
  readonly roleArn: string;
  readonly statements: readonly PolicyStatement[];
}

export type Decision =
  | { readonly allowed: true; readonly principal?: Principal }
  | { readonly allowed: false; readonly principal: Principal; readonly message: string };

export type DenialLog = (line: string) => void;

const asList = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** IAM wildcard match: `*` any run, `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'i' : '').test(value);
}

function statementApplies(s: PolicyStatement, action: string, resource: string): boolean {
  const actionOk =
    s.Action !== undefined
      ? asList(s.Action).some((a) => wildcardMatch(a, action, true))
      : !asList(s.NotAction).some((a) => wildcardMatch(a, action, true));
  if (!actionOk) return false;
  return s.Resource !== undefined
    ? asList(s.Resource).some((r) => wildcardMatch(r, resource))
    : s.NotResource !== undefined && !asList(s.NotResource).some((r) => wildcardMatch(r, resource));
}

/**
 * Evaluates identity policies: an explicit Deny wins, otherwise an Allow is needed.
 * Conditions are not evaluated (a statement with a Condition applies as if it held).
 */
export function evaluate(statements: readonly PolicyStatement[], action: string, resource: string): boolean {
  let allowed = false;
  for (const s of statements) {
    if (!statementApplies(s, action, resource)) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

export class IamAuthorizer {
  private readonly principals = new Map<string, Principal>();
  private readonly denials: { principal: string; action: string; resource: string }[] = [];

  constructor(private readonly log: DenialLog) {}

  addPrincipal(principal: Principal): void {
    this.principals.set(principal.accessKeyId, principal);
  }

  principal(accessKeyId: string): Principal | undefined {
    return this.principals.get(accessKeyId);
  }

  /** Denials so far (for tests and the CLI summary). */
  get deniedCalls(): readonly { principal: string; action: string; resource: string }[] {
    return this.denials;
  }

  /**
   * Checks one call. Callers that are not a known function or state machine (the operator, tests,
   * simulators) sign with other keys and are allowed, as an administrator would be.
   */
  authorize(accessKeyId: string | undefined, action: string, resources: readonly string[]): Decision {
    const principal = accessKeyId === undefined ? undefined : this.principals.get(accessKeyId);
    if (!principal) return { allowed: true };
    for (const resource of resources) {
      if (evaluate(principal.statements, action, resource)) continue;
      const session = principal.accessKeyId;
      const roleName = principal.roleArn.split('/').pop() ?? principal.roleArn;
      const message =
        `User: arn:aws:sts::000000000000:assumed-role/${roleName}/${session} is not authorized to perform: ` +
        `${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
      this.denials.push({ principal: principal.label, action, resource });
      this.log(`IAM DENIED ${principal.label}: missing ${action} on ${resource} (role ${principal.roleArn})`);
      return { allowed: false, principal, message };
    }
    return { allowed: true, principal };
  }
}
