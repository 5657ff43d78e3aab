// Drives the dashboard in Debian's chromium (playwright-core, no bundled browser) and prints a JSON verdict.
//   node dashboard.mjs <base-url> <token> <gemeente-to-filter> <screenshot.png> [chromium]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [baseUrl, token, gemeente, screenshot, executable] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "dashboard-profile-"));
const problems = [];
const context = await chromium.launchPersistentContext(profile, {
  executablePath: executable || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1360, height: 900 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
// The page says "klaar" when every report is in, "fout" (with the reason in #bijgewerkt) when one failed.
async function loaded(page) {
  await page.waitForSelector("body[data-state=klaar], body[data-state=fout]");
  if (await page.evaluate(() => document.body.dataset.state) === "fout") {
    throw new Error("dashboard: " + await page.textContent("#bijgewerkt") + " " + JSON.stringify(problems));
  }
}

try {
  const page = context.pages()[0] || await context.newPage();
  page.on("console", (msg) => { if (msg.type() === "error") problems.push(msg.text()); });
  page.on("pageerror", (err) => problems.push(String(err)));
  page.on("requestfailed", (req) => problems.push("request failed: " + req.url()));
  page.setDefaultTimeout(90_000);

  await page.goto(baseUrl + "/dashboard");
  await page.fill("#token", token);
  await page.click("#loginform button[type=submit]");
  await loaded(page);
  const read = () => page.evaluate(() => ({
    clienten: document.getElementById("kpi-clienten").textContent,
    goedgekeurd: document.getElementById("kpi-goedgekeurd").textContent,
    charts: [...document.querySelectorAll(".chart")].map((c) => c.dataset.state || ""),
    bars: document.querySelectorAll(".chart svg rect.bar").length,
    lines: document.querySelectorAll(".chart svg polyline").length,
    gemeenten: [...document.querySelectorAll("#f-gemeente option")].map((o) => o.value).filter(Boolean),
  }));
  const before = await read();
  await page.screenshot({ path: screenshot, fullPage: true });

  await page.selectOption("#f-gemeente", gemeente);
  await page.waitForFunction((prev) => document.body.dataset.state === "fout" || (document.body.dataset.state === "klaar"
    && document.getElementById("kpi-goedgekeurd").textContent !== prev), before.goedgekeurd);
  await loaded(page);
  const after = await read();
  console.log(JSON.stringify({ before, after, problems }));
} catch (err) {
  console.error(JSON.stringify({ problems }));  // what the page said before it failed (script errors, failed requests)
  throw err;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
