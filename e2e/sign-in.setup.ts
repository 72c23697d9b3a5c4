import { expect, test } from "./fixtures";
import { OWNER, OWNER_STATE } from "./owner";

test("sign in as the owner and keep the session for the other specs", async ({ page }) => {
  await page.goto("/login?next=/catalog");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The login page's own URL ends in "next=/catalog": wait for the catalog itself.
  await expect(page).toHaveURL((url) => url.pathname === "/catalog");
  await expect(page.getByRole("heading", { name: "Catalog" })).toBeVisible();
  await page.context().storageState({ path: OWNER_STATE });
});
