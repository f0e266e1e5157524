#!/usr/bin/env node
import { consoleReporter } from '../common/report.js';
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), consoleReporter);
