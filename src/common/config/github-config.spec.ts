import { loadConfig } from './app-config';
import { ConfigError } from './environment';

describe('GitHub App configuration', () => {
  it('reads the slug and the OAuth credentials', () => {
    const config = loadConfig({
      GITHUB_APP_SLUG: 'acme-app',
      GITHUB_APP_CLIENT_ID: 'Iv23liAbc.def',
      GITHUB_APP_CLIENT_SECRET: 'shh',
    });
    expect(config.githubAppSlug).toBe('acme-app');
    expect(config.githubOAuth).toEqual({ clientId: 'Iv23liAbc.def', clientSecret: 'shh' });
    expect(config.githubApiUrl).toBe('https://api.github.com');
    expect(loadConfig({}).githubOAuth).toBeUndefined();
  });

  it('refuses half the OAuth credentials and a bad slug, without showing the secret', () => {
    let error: unknown;
    try {
      loadConfig({ GITHUB_APP_SLUG: 'Not A Slug', GITHUB_APP_CLIENT_SECRET: 'top-secret-value' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toEqual([
      expect.stringMatching(/^GITHUB_APP_SLUG=/),
      'GITHUB_APP_CLIENT_ID and GITHUB_APP_CLIENT_SECRET must be set together',
    ]);
    expect(message).not.toContain('top-secret-value');
  });
});
