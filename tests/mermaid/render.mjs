// Renders every ```mermaid block of the given Markdown files to SVG with Mermaid's own renderer (mermaid-cli) in one
// Chromium (Debian's, /usr/bin/chromium; puppeteer downloads none). <name>.md gives <name>.svg beside it, and
// <name>-2.svg, ... for further blocks. Prints one line per SVG; exits 1 naming the file when a diagram does not render,
// 2 when the renderer cannot start.
//   node tests/mermaid/render.mjs artifacts/*/topology.md
import { readFile, writeFile, access } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const config = JSON.parse(await readFile(path.join(here, "puppeteer-config.json"), "utf8"));
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tests/mermaid/render.mjs <file.md>...");
  process.exit(2);
}

// Debian's Chromium; MERMAID_CHROMIUM names another, and GitHub's Ubuntu runners have Google Chrome instead.
const candidates = [process.env.MERMAID_CHROMIUM, config.executablePath, "/usr/bin/google-chrome"].filter(Boolean);
config.executablePath = undefined;
for (const candidate of candidates) {
  try {
    await access(candidate);
    config.executablePath = candidate;
    break;
  } catch {}
}
if (!config.executablePath) {
  console.error(`mermaid: no Chromium at ${candidates.join(" or ")}: run build/prerequisites.sh (Debian: apt-get install chromium)`);
  process.exit(2);
}

let puppeteer, renderMermaid;
try {
  puppeteer = (await import("puppeteer")).default;
  ({ renderMermaid } = await import("@mermaid-js/mermaid-cli"));
} catch (e) {
  console.error(`mermaid: mermaid-cli is not installed in tests/mermaid: run tests/mermaid/install.sh (${e.message})`);
  process.exit(2);
}

const blocks = (markdown) => [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

const browser = await puppeteer.launch(config);
let failed = 0;
try {
  for (const file of files) {
    let diagrams;
    try {
      diagrams = blocks(await readFile(file, "utf8"));
    } catch (e) {
      console.error(`${file}: cannot be read: ${e.code ?? e.message}`);
      failed++;
      continue;
    }
    if (diagrams.length === 0) {
      console.error(`${file}: no mermaid block`);
      failed++;
      continue;
    }
    for (const [i, diagram] of diagrams.entries()) {
      const svg = file.replace(/\.md$/, "") + (i === 0 ? "" : `-${i + 1}`) + ".svg";
      try {
        const { data } = await renderMermaid(browser, diagram, "svg");
        await writeFile(svg, data);
        console.log(`${svg} ${data.length} bytes`);
      } catch (e) {
        console.error(`${file}: mermaid block ${i + 1} does not render: ${String(e.message ?? e).split("\n").slice(0, 6).join(" | ")}`);
        failed++;
      }
    }
  }
} finally {
  await browser.close();
}
process.exit(failed === 0 ? 0 : 1);
