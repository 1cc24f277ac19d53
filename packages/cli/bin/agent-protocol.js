#!/usr/bin/env node
// The command itself is built into dist/. This launcher is committed so that the bin link exists
// before the first build: installing a fresh clone then links it without a warning.
import '../dist/main.js';
