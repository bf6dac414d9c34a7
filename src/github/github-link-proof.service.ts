import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { DomainError } from '../common/errors/domain-error';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { GithubLinkStatesService } from './github-link-states.service';
import { GithubOAuthClient } from './github-oauth.client';

/** How a link was proven, as the audit log records it. */
export type LinkProof = 'oauth' | 'platformAdmin';

export interface LinkClaim {
  organizationId: string;
  installationId: string;
  caller: { id: string; isAdmin: boolean };
  /** From GitHub's redirect to the App's setup URL. */
  code?: string;
  /** From GET …/github/install-url, returned by GitHub with the redirect. */
  state?: string;
}

const notVerified = (reason: string) =>
  new DomainError('INSTALLATION_NOT_VERIFIED', `Installation not verified: ${reason}`);

/**
 * An installation id is no secret (GitHub counts them up), so knowing one proves nothing. The
 * proof is GitHub's install flow: a state this service issued to this caller for this
 * organization, and a code GitHub gave that user, whose installations must include this one.
 * Platform admins may link by id alone.
 */
@Injectable()
export class GithubLinkProofService {
  constructor(
    private readonly states: GithubLinkStatesService,
    private readonly oauth: GithubOAuthClient,
    private readonly txHost: TransactionHost<DrizzleAdapter>,
  ) {}

  /**
   * The proof the claim carries, or 403 INSTALLATION_NOT_VERIFIED naming the check that failed.
   * Must run with no transaction open: the state is spent in a transaction of its own, committed
   * before GitHub is asked (a refused state stays spent), and GitHub holds no connection.
   */
  async verify(claim: LinkClaim): Promise<LinkProof> {
    const { code, state, caller, organizationId, installationId } = claim;
    if (code === undefined && state === undefined) {
      if (caller.isAdmin) return 'platformAdmin';
      throw notVerified('no code and state from GitHub’s install flow (start at the install URL)');
    }
    if (state === undefined) throw notVerified('no state (start at the install URL)');
    const refusal = await this.txHost.withTransaction(() =>
      this.states.spend(state, organizationId, caller.id),
    );
    if (refusal) throw notVerified(refusal);
    if (code === undefined) throw notVerified('no code from GitHub');
    if (!this.oauth.configured) {
      throw notVerified('GitHub OAuth is not configured (GITHUB_APP_CLIENT_ID/SECRET)');
    }
    const userToken = await this.oauth.exchangeCode(code);
    if (!userToken) throw notVerified('GitHub refused the code (wrong, expired or used)');
    if (!(await this.oauth.userCanAccess(userToken, installationId))) {
      throw notVerified(`the GitHub user cannot access installation ${installationId}`);
    }
    return 'oauth';
  }
}
