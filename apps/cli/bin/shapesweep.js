#!/usr/bin/env node
// The `shapesweep` executable. npm links it into node_modules/.bin at install time, before dist/ exists, so it only
// forwards to the compiled entry point (build with `npm run build` first).
import '../dist/main.js';
