import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AppConfig } from '../common/config/app-config';
import { DomainError } from '../common/errors/domain-error';
import { GithubLinkStatesRepository } from './github-link-states.repository';
import { appInstallPageUrl } from './github-web';

/** How long a state from the install URL may be used. */
export const LINK_STATE_TTL_MS = 10 * 60 * 1000;

export interface InstallUrl {
  url: string;
  state: string;
  expiresAt: Date;
}

/** Why a presented state proves nothing, worded for the 403 message. */
export type StateRefusal =
  | 'state is unknown or already used'
  | 'state has expired'
  | 'state was issued for another organization'
  | 'state was issued to another user';

const hash = (state: string) => createHash('sha256').update(state).digest('hex');

/**
 * The `state` of GitHub's install flow: random, single-use, bound to one organization and one
 * caller, valid ten minutes. Only its SHA-256 is stored, so a database reader cannot replay one.
 */
@Injectable()
export class GithubLinkStatesService {
  constructor(
    private readonly states: GithubLinkStatesRepository,
    private readonly config: AppConfig,
  ) {}

  /** GitHub's install page for the App with a fresh state for this organization and caller. */
  async installUrl(organizationId: string, userId: string): Promise<InstallUrl> {
    const slug = this.config.githubAppSlug;
    if (!slug) {
      throw new DomainError('GITHUB_NOT_CONFIGURED', 'Set GITHUB_APP_SLUG to get the install URL');
    }
    const state = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = new Date(now + LINK_STATE_TTL_MS);
    await this.states.deleteExpiredBefore(new Date(now - LINK_STATE_TTL_MS));
    await this.states.insert({ stateHash: hash(state), organizationId, userId, expiresAt });
    return { url: appInstallPageUrl(this.config.githubApiUrl, slug, state), state, expiresAt };
  }

  /**
   * Uses the state up, whatever the outcome (so a refused one cannot be tried again), and says
   * what is wrong with it for this organization and caller; undefined when it is good.
   */
  async spend(
    state: string,
    organizationId: string,
    userId: string,
  ): Promise<StateRefusal | undefined> {
    const row = await this.states.spend(hash(state));
    if (!row) return 'state is unknown or already used';
    if (row.expiresAt.getTime() <= Date.now()) return 'state has expired';
    if (row.organizationId !== organizationId) return 'state was issued for another organization';
    if (row.userId !== userId) return 'state was issued to another user';
    return undefined;
  }
}
