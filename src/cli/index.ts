#!/usr/bin/env node
import { consoleReporter } from '../common/report.js';
import { main } from './main.js';

// A reader that stops early (`pelato gen | head -1`) closes the pipe: stop quietly, as other
// command-line tools do, rather than with Node's unhandled EPIPE and its stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

// The one place the real environment is read; every stage gets it from here.
process.exitCode = await main(process.argv.slice(2), consoleReporter, process.env);
