import { chromium, type Browser } from 'playwright-core';
import { CALLBACK_PATH } from '@agent-protocol/core';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../../scripts/chromium.mjs';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
}

/** What the browser ended on: the agent's callback page. */
export interface Landing {
  /** The callback URL the provider sent the browser to (with its code and state). */
  url: string;
  status: number;
  contentType: string;
  title: string;
  text: string;
}

/**
 * A user in a fresh browser (no session at the provider) opens a sign-in link, signs in on the
 * provider's own page as `login` (any password), and consents, or cancels on the sign-in page
 * (`decline`). Resolves with the agent's callback page the provider sent the browser back to.
 */
export async function signIn(
  browser: Browser,
  authorizationUrl: string,
  login: string,
  options: { decline?: boolean } = {},
): Promise<Landing> {
  const context = await browser.newContext();
  try {
    // Only 127.0.0.1 (the provider's page imports a web font from the internet): nothing leaves.
    await context.route('**/*', (route) =>
      new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort(),
    );
    const page = await context.newPage();
    const landed = page.waitForResponse((r) => new URL(r.url()).pathname === CALLBACK_PATH, {
      timeout: 30_000,
    });
    await page.goto(authorizationUrl);
    if (options.decline) {
      await page.getByText('[ Cancel ]').click();
    } else {
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill('any password will do');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    const response = await landed;
    await page.waitForLoadState('load');
    return {
      url: response.url(),
      status: response.status(),
      contentType: response.headers()['content-type'] ?? '',
      title: await page.title(),
      text: (await page.locator('body').innerText()).trim(),
    };
  } finally {
    await context.close();
  }
}
