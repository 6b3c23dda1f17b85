#!/usr/bin/env bash
# Installs Mermaid's renderer (mermaid-cli and puppeteer, the versions pinned in package-lock.json) into
# tests/mermaid/node_modules, without a browser: render.mjs drives Debian's Chromium (build/prerequisites.sh installs it).
# Idempotent: does nothing when the pinned mermaid-cli is there already.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
wanted=$(node -p 'require("./package-lock.json").packages["node_modules/@mermaid-js/mermaid-cli"].version')
installed=$(node -p 'try { require("./node_modules/@mermaid-js/mermaid-cli/package.json").version } catch { "" }')
if [[ $installed == "$wanted" ]]; then
  exit 0
fi
echo "mermaid: installing mermaid-cli $wanted into tests/mermaid/node_modules (npm ci, no browser download)"
PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts >/dev/null
