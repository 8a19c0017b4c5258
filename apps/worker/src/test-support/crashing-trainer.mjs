// A trainer child that dies on its start message without reporting (the OOM killer, a segfault).
process.on('message', () => process.exit(3));
