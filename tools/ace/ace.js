#!/usr/bin/env node
// The Ace command line (what `ace-puppeteer` runs, same options) with the browser we choose: a system
// Chromium (Debian's by default), started for a machine with no network.  Ace's puppeteer runner calls
// puppeteer.launch() with only --no-sandbox and a 5 s start-up limit and takes no launch options, so this
// wraps that one function rather than patching node_modules.
'use strict';

const path = require('path');

const CHROMIUM = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
// Without these Chromium looks up and calls Google's update, sync and sign-in hosts at every start.
// puppeteer's defaults include some; all are listed so that a puppeteer update cannot drop one.  Ace reads
// the book through file: URLs and blocks http(s) itself, so no host name ever needs resolving.
const OFFLINE_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-gpu',
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

// Read by the runner when it loads: a cold Chromium on a busy two-core machine can take more than 5 s.
process.env.ACE_TIMEOUT_INITIAL = process.env.ACE_TIMEOUT_INITIAL || '60000';

// The puppeteer module the runner itself loads, wherever npm placed it.
const runner = path.dirname(require.resolve('@daisy/ace-axe-runner-puppeteer/package.json'));
const puppeteer = require(require.resolve('puppeteer', { paths: [runner] }));
const launch = puppeteer.launch;
puppeteer.launch = (options = {}) => launch({
  ...options,
  executablePath: CHROMIUM,
  args: [...(options.args || []), ...OFFLINE_FLAGS],
});

require('@daisy/ace-cli').run();
