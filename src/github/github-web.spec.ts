import { appInstallPageUrl, githubWebUrl } from './github-web';

describe('GitHub web URLs derived from GITHUB_API_URL', () => {
  it.each([
    ['https://api.github.com', 'https://github.com'],
    ['https://api.acme.ghe.com', 'https://acme.ghe.com'],
    ['https://ghe.example.com/api/v3', 'https://ghe.example.com'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
  ])('%s → %s', (apiUrl, webUrl) => {
    expect(githubWebUrl(apiUrl)).toBe(webUrl);
  });

  it('points at /apps on GitHub.com and /github-apps on Enterprise Server, with the state', () => {
    expect(appInstallPageUrl('https://api.github.com', 'my-app', 'a-b_c')).toBe(
      'https://github.com/apps/my-app/installations/new?state=a-b_c',
    );
    expect(appInstallPageUrl('https://ghe.example.com/api/v3', 'my-app', 's')).toBe(
      'https://ghe.example.com/github-apps/my-app/installations/new?state=s',
    );
  });
});
