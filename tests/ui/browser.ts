/**
 * Debian's Chromium driven by `playwright-core` for the dashboard's browser tests: never a
 * downloaded browser, the flags a container needs, and screenshots written to `docs/screenshots/`
 * only when `UPDATE_SCREENSHOTS=1` (so a CI run leaves the checkout clean).
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Start headless Chromium. */
export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

const SCREENSHOTS = new URL("../../docs/screenshots/", import.meta.url);

/** Save the whole page as `docs/screenshots/<name>.png` when `UPDATE_SCREENSHOTS=1`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (Deno.env.get("UPDATE_SCREENSHOTS") !== "1") return;
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
}
