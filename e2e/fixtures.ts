import { test as base, expect } from "@playwright/test";

/**
 * A `page` that fails the test on any request leaving the app's origin and on any
 * console error or uncaught page error. Every e2e spec should import `test` from here.
 */
export const test = base.extend({
  // The fixture callback is named `provide` rather than Playwright's usual `use`, which
  // the React hooks lint rule would mistake for React's `use`.
  page: async ({ page, baseURL }, provide) => {
    if (!baseURL) throw new Error("baseURL is not set in playwright.config.ts");
    const origin = new URL(baseURL).origin;
    const offOrigin: string[] = [];
    const consoleErrors: string[] = [];

    page.on("request", (request) => {
      const url = request.url();
      if (url.startsWith("data:") || url.startsWith("blob:")) return;
      if (new URL(url).origin !== origin) offOrigin.push(url);
    });
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const where = message.location().url;
      consoleErrors.push(where ? `${message.text()} (${where})` : message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));

    await provide(page);

    expect(offOrigin, "requests that left the app's origin").toEqual([]);
    expect(consoleErrors, "console errors").toEqual([]);
  },
});

export { expect };
