import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { ConfigError } from '../../../shared/errors';
import { SapAuthorizationError, SapUnavailableError } from './errors';

/** The JSON stored in the Secrets Manager secret of an SAP system. */
export const SapCredentials = z.discriminatedUnion('type', [
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) }),
  z.object({
    type: z.literal('oauth2-client-credentials'),
    tokenUrl: z.url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    scope: z.string().optional(),
  }),
]);
export type SapCredentials = z.infer<typeof SapCredentials>;

/** Port: loads a secret string by id. Real implementation below; tests pass a function. */
export type SecretLoader = (secretId: string) => Promise<string>;

/**
 * Secrets Manager loader with an in-memory cache (per Lambda container), so each invocation does
 * not call Secrets Manager. `ttlMs` bounds how long a rotated secret goes unnoticed.
 */
export const secretsManagerLoader = (
  client: Pick<SecretsManagerClient, 'send'>,
  options: { ttlMs?: number; now?: () => number } = {},
): SecretLoader => {
  const ttl = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { value: string; expires: number }>();
  return async (secretId) => {
    const hit = cache.get(secretId);
    if (hit && hit.expires > now()) return hit.value;
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (response.SecretString === undefined) throw new ConfigError(`secret ${secretId} has no string value`);
    cache.set(secretId, { value: response.SecretString, expires: now() + ttl });
    return response.SecretString;
  };
};

/** Supplies the Authorization header for SAP calls. */
export interface AuthProvider {
  authorization(): Promise<string>;
  /** SAP answered 401: drop any cached token so the next call gets a fresh one. */
  invalidate(): void;
}

export interface SecretAuthOptions {
  readonly secretId: string;
  readonly loadSecret: SecretLoader;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly timeoutMs?: number;
  /** Renew this long before the token expires. @default 60 s */
  readonly skewMs?: number;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});

/**
 * Authentication from Secrets Manager: Basic, or OAuth 2.0 client credentials with the access token
 * cached until shortly before it expires. Secrets never reach logs or error messages.
 */
export class SecretAuthProvider implements AuthProvider {
  private token: { value: string; expires: number } | undefined;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: SecretAuthOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  private async credentials(): Promise<SapCredentials> {
    const raw = await this.options.loadSecret(this.options.secretId);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ConfigError(`secret ${this.options.secretId} is not JSON`);
    }
    const parsed = SapCredentials.safeParse(json);
    if (!parsed.success) {
      // Name the fields, never the values.
      const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      throw new ConfigError(
        `secret ${this.options.secretId} is not valid SAP credentials (check: ${fields})`,
      );
    }
    return parsed.data;
  }

  async authorization(): Promise<string> {
    const credentials = await this.credentials();
    if (credentials.type === 'basic') {
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    if (this.token && this.token.expires > this.now()) return `Bearer ${this.token.value}`;
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (credentials.scope) body.set('scope', credentials.scope);
    let response: Response;
    try {
      response = await this.fetch(credentials.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString('base64')}`,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new SapUnavailableError('OAuth token endpoint unreachable', { cause: error });
    }
    if (response.status === 429 || response.status >= 500) {
      throw new SapUnavailableError(`OAuth token endpoint answered ${response.status}`);
    }
    if (!response.ok)
      throw new SapAuthorizationError(`OAuth token endpoint refused the client (${response.status})`);
    const parsed = TokenResponse.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new SapAuthorizationError('OAuth token endpoint answered without an access_token');
    const lifetimeMs = (parsed.data.expires_in ?? 300) * 1000;
    const skew = Math.min(this.options.skewMs ?? 60_000, lifetimeMs / 2);
    this.token = { value: parsed.data.access_token, expires: this.now() + lifetimeMs - skew };
    return `Bearer ${parsed.data.access_token}`;
  }

  invalidate(): void {
    this.token = undefined;
  }
}
