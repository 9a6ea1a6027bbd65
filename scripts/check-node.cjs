#!/usr/bin/env node
/*
 * Runs before `npm start`, `npm test` and `npm install`: on an older Node.js the TypeScript
 * sources fail later with an obscure ERR_UNKNOWN_FILE_EXTENSION, after a build. Written for any
 * Node.js (var, no arrow functions, CommonJS) because its whole point is running on old ones.
 *
 *   node scripts/check-node.cjs          exit 1 with one line of advice on Node < 24
 *   node scripts/check-node.cjs --warn   the same line, exit 0 (npm install)
 */
'use strict';

var REQUIRED_MAJOR = 24;

/** The advice for a `process.version` string, or null when it is new enough. */
function problem(version) {
  var major = parseInt(String(version).replace(/^v/, '').split('.')[0], 10);
  if (major >= REQUIRED_MAJOR) return null;
  return (
    'Frontline needs Node.js ' +
    REQUIRED_MAJOR +
    ' or later (this is ' +
    version +
    '). ' +
    'Install it from https://nodejs.org or with `nvm install ' +
    REQUIRED_MAJOR +
    '`.'
  );
}

module.exports = { problem: problem, REQUIRED_MAJOR: REQUIRED_MAJOR };

function main() {
  var message = problem(process.version);
  if (message) {
    console.error(message);
    if (process.argv.indexOf('--warn') === -1) process.exit(1);
  }
}

if (require.main === module) main();
