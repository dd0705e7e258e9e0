/**
 * The VS Code workbench (code-server's web build) as the e2e test sees it: locators for the parts a user
 * touches and the few interactions that need care. Selectors are VS Code 1.100's DOM; keep them here so a
 * VS Code upgrade touches one file.
 */
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** Polls `probe` until it returns a value other than undefined, or throws `message` after `timeoutMs`. */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, message: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${message()} (after ${(timeoutMs / 1000).toFixed(0)} s)`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Escapes `text` for use inside a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Workbench {
  constructor(readonly page: Page) {}

  /** Opens the workbench on `folder` and waits until its DOM exists (it paints before extensions load). */
  async open(baseUrl: string, folder: string): Promise<void> {
    await this.page.goto(`${baseUrl}?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded' });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  }

  /** The activity-bar entry of a view container, by its title. */
  activityBarItem(title: string): Locator {
    return this.page.locator(`.part.activitybar .action-item .action-label[aria-label^="${title}"]`).first();
  }

  /**
   * The title of a view, visible in the side bar. A view alone in its container has its pane header hidden
   * and its name merged into the container title ("TOPOLENS: TRAINING RUNS"), so match either, as text.
   */
  sideBarViewTitle(viewName: string): Locator {
    // Case-sensitive: the welcome text of an empty view ("No training runs yet") must not count.
    return this.page.locator('.part.sidebar').getByText(new RegExp(literal(viewName))).filter({ visible: true }).first();
  }

  /** Tree rows in the side bar (each `.monaco-list-row` carries the item's aria-label and aria-expanded). */
  sideBarRows(): Locator {
    return this.page.locator('.part.sidebar .monaco-list-row');
  }

  /**
   * Runs a command from the palette (F1) by its title. The palette lists a snapshot of the commands known
   * when it opens, and remote (Node) extensions register a few seconds after the workbench paints, so retry.
   */
  async runCommand(title: string, attempts = 8): Promise<void> {
    const input = this.quickInput();
    // Exactly this title: "Developer: Reload Window" must not pick "... With Extensions Disabled".
    const row = this.quickPickRow(title);
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ timeout: 15_000 });
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt >= attempts) throw new Error(`command "${title}" is not in the command palette after ${attempts} tries`, { cause: e });
        await this.page.keyboard.press('Escape');
        await this.page.waitForTimeout(2_000);
      }
    }
    await row.click();
  }

  /**
   * Reloads the window with "Developer: Reload Window", as a user would, and waits until the new
   * document's workbench exists. The old document is tagged first, so "reloaded" means a new document,
   * not the old one still painting.
   */
  async reload(command: string, timeoutMs = 60_000): Promise<void> {
    const tag = `topolens-e2e-${Date.now()}`;
    await this.page.evaluate((t) => { (globalThis as unknown as Record<string, unknown>).__topolensE2e = t; }, tag);
    await this.runCommand(command);
    await waitUntil(async () => {
      // Throws while the document is being replaced: that is "not yet".
      const seen = await this.page.evaluate(() => (globalThis as unknown as Record<string, unknown>).__topolensE2e).catch(() => tag);
      return seen !== tag ? true : undefined;
    }, timeoutMs, () => `"${command}" did not load a new document`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
  }

  /** The text input of the quick input widget (command palette, quick picks, the simple file dialog). */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget input[type="text"]').first();
  }

  /** The quick-pick row whose label is exactly `label` (descriptions and details do not count). */
  quickPickRow(label: string): Locator {
    return this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${literal(label)}\\s*$`) }) })
      .first();
  }

  /** Labels of the rows the open quick pick currently shows (for failure messages). */
  async quickPickLabels(): Promise<string[]> {
    return (await this.page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents()).map((s) => s.trim());
  }

  /** A notification toast whose text matches `text`. */
  notification(text: RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  /** The message of a notification toast as the user reads it (without its source line and buttons). */
  async notificationMessage(toast: Locator): Promise<string> {
    const text = await toast.locator('.notification-list-item-message').first().innerText({ timeout: 5_000 });
    return text.replace(/\s+/g, ' ').trim();
  }

  /** A status-bar entry whose text matches `text`. */
  statusBarItem(text: RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  }

  /** An editor tab whose title matches `title`. */
  editorTab(title: RegExp): Locator {
    return this.page.locator('.part.editor .tabs-container .tab', { hasText: title }).first();
  }

  /** The visible webview's host iframe (the element to screenshot). */
  webviewElement(): Locator {
    return this.page.locator('iframe.webview.ready').filter({ visible: true }).first();
  }

  /** The visible webview's own document: page > iframe.webview.ready (host) > iframe#active-frame (ours). */
  webview(): FrameLocator {
    return this.webviewElement().contentFrame().locator('iframe#active-frame').contentFrame();
  }

  /**
   * Accepts a save dialog. In the browser VS Code shows its "simple file dialog": a quick input prefilled
   * with the proposed path. Returns that path, as the user would read it before pressing Enter.
   */
  async acceptSaveDialog(): Promise<string> {
    const input = this.quickInput();
    await input.waitFor({ timeout: 30_000 });
    // The dialog fills its input in stages (first a folder, then folder + proposed file name once it has
    // listed the folder): wait until the value names a file and has stopped changing.
    let last = '';
    let stableSince = Date.now();
    const proposed = await waitUntil(
      async () => {
        const value = await input.inputValue({ timeout: 2_000 });
        if (value !== last) {
          last = value;
          stableSince = Date.now();
        }
        return value.trim() !== '' && !value.endsWith('/') && Date.now() - stableSince >= 750 ? value : undefined;
      },
      15_000,
      () => `the save dialog never settled on a file path (last value "${last}")`,
    );
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
    return proposed;
  }
}
