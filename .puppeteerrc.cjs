/* global module */
// whatsapp-web.js drives Debian's /usr/bin/chromium (executablePath), so puppeteer must never fetch a browser of
// its own: installs reach only the npm registry.
module.exports = { skipDownload: true, chrome: { skipDownload: true }, 'chrome-headless-shell': { skipDownload: true }, firefox: { skipDownload: true } };
