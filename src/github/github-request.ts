import { Logger } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';

/** The longest any one call to GitHub may take, connection to last byte. */
export const GITHUB_TIMEOUT_MS = 10_000;

/**
 * Octokit request options for GITHUB_API_URL: every request gets its own deadline, so a GitHub
 * that accepts the connection and then never answers still fails after GITHUB_TIMEOUT_MS.
 */
export function githubRequestDefaults(apiUrl: string) {
  const timedFetch: typeof fetch = (input, init) => {
    const deadline = AbortSignal.timeout(GITHUB_TIMEOUT_MS);
    return fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline,
    });
  };
  return { baseUrl: apiUrl, request: { fetch: timedFetch } };
}

/** GitHub's status when it answered (Octokit's RequestError keeps the response), else undefined. */
export const githubAnswerStatus = (err: unknown): number | undefined =>
  (err as { response?: { status?: number } } | undefined)?.response?.status;

/** The `error` GitHub's OAuth endpoints put in a 200 answer (`bad_verification_code`, …). */
export const oauthErrorOf = (err: unknown): string | undefined => {
  const data = (err as { response?: { data?: { error?: unknown } } } | undefined)?.response?.data;
  if (data?.error === undefined) return undefined;
  return typeof data.error === 'string' && /^[a-z_]{1,64}$/.test(data.error)
    ? data.error
    : 'unknown_error';
};

function reasonOf(err: unknown): string {
  const oauthError = oauthErrorOf(err);
  if (oauthError) return `GitHub refused it: ${oauthError}`;
  const status = githubAnswerStatus(err);
  if (status !== undefined) return `GitHub answered ${status}`;
  const timedOut = [err, (err as { cause?: unknown })?.cause].some(
    (e) => (e as { name?: string } | undefined)?.name === 'TimeoutError',
  );
  return timedOut ? `no answer within ${GITHUB_TIMEOUT_MS / 1000} s` : 'GitHub is unreachable';
}

const logger = new Logger('GitHub');

/** 502 GITHUB_UNAVAILABLE for a failed call; logs why, never a token or a response body. */
export function githubUnavailable(
  err: unknown,
  call: string,
  installationId?: string,
): DomainError {
  const reason = reasonOf(err);
  logger.warn({ msg: 'GitHub call failed', call, installationId, reason });
  return new DomainError('GITHUB_UNAVAILABLE', `GitHub call failed: ${call} (${reason})`);
}
