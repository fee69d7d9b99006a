// The web catalog in a real browser: Debian's chromium, headless, driven by playwright-core.
// Search by keyboard, open a component, read a tool's schema, sign in, see a private
// component, sign out. Screenshots of the main pages go to SHOTS_DIR when it is given.
//   node catalog_browser.cjs BASE_URL USER KEY [SHOTS_DIR]
// Exits non-zero with the failed step on stderr.
const path = require("path");
const { chromium } = require(path.join(process.env.PLAYWRIGHT_MODULES, "playwright-core"));

const [base, user, key, shots] = process.argv.slice(2);

function check(condition, what) {
  if (!condition) throw new Error("browser check failed: " + what);
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: path.join(shots, name), fullPage: false });
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox"],  // root in CI containers has no user namespace for the sandbox
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(base + "/");
    // The first Tab reaches the skip link: the page is usable by keyboard.
    await page.keyboard.press("Tab");
    check((await page.evaluate(() => document.activeElement.textContent)) === "Skip to content",
          "first Tab focuses the skip link");
    check(!(await page.content()).includes("alice/secret"), "private component hidden");

    await page.focus("#q");
    await page.keyboard.type("greet");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\?q=greet/);
    check(await page.isVisible("a[href='/c/alice/tool']"), "search finds alice/tool");
    await shot(page, "catalog-search.png");

    await page.click("a[href='/c/alice/tool']");
    await page.waitForURL(/\/c\/alice\/tool$/);
    await page.goto(base + "/c/alice/tool?v=1.0.0");
    check(await page.isVisible("text=signed: 1 signature"), "signature badge");
    await shot(page, "catalog-component.png");
    const tool = page.locator("section.tool", { hasText: "values_greet" });
    check((await tool.count()) === 1, "tool values_greet listed");
    await tool.locator("summary", { hasText: "Input schema" }).click();
    check(await tool.locator("pre").first().isVisible(), "input schema opens");
    await shot(page, "catalog-tool-schema.png");

    let r = await page.goto(base + "/c/alice/secret");
    check(r.status() === 404, "private page is 404 before signing in");

    await page.goto(base + "/");
    await page.click("text=Sign in");
    await page.fill("#user", user);
    await page.fill("#key", key);
    await page.click("form.login button[type=submit]");
    await page.waitForURL(/\/ns\/alice$/);
    check(await page.isVisible("a[href='/c/alice/secret']"), "signed in: private listed");
    check(await page.isVisible("text=signed in as"), "who is signed in");
    await shot(page, "catalog-namespace.png");
    r = await page.goto(base + "/c/alice/secret");
    check(r.status() === 200, "private page after signing in");

    await page.click("text=Sign out");
    await page.waitForURL(base + "/");
    r = await page.goto(base + "/c/alice/secret");
    check(r.status() === 404, "private page is 404 after signing out");
    console.log("browser: every step passed");
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
