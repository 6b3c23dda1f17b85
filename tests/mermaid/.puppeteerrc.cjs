// Puppeteer uses Debian's Chromium (/usr/bin/chromium, installed by build/prerequisites.sh): it downloads no browser.
module.exports = { skipDownload: true };
