#!/usr/bin/env node
// `npm run services`: make sure Redis and Postgres answer at REDIS_URL / DATABASE_URL, starting them if needed, and
// make sure the database exists. Idempotent: when both answer and the database exists it changes nothing.
//
// Order of attempts for each service that does not answer:
//   1. `docker compose up -d <service>` when a Docker engine answers;
//   2. a local server: redis-server, and Postgres through the distribution's cluster (pg_ctlcluster) or a private
//      cluster under .data/postgres (initdb + pg_ctl);
//   3. otherwise stop with a message that names exactly what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, chownSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, '.data');
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const databaseUrl = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/shapesweep');
const quiet = process.argv.includes('--quiet');
const log = (msg) => { if (!quiet) console.log(`services: ${msg}`); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function redisPing() {
  return new Promise((resolve) => {
    const socket = net.connect({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      if (redisUrl.password) socket.write(`AUTH ${decodeURIComponent(redisUrl.password)}\r\n`);
      socket.write('PING\r\n');
    });
    socket.on('data', (buf) => done(buf.toString().includes('+PONG')));
  });
}

function adminUrl() {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

async function postgresAnswers() {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const which = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim() || null;
const dockerAnswers = () => which('docker') !== null && spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 }).status === 0
  && spawnSync('docker', ['compose', 'version'], { stdio: 'ignore', timeout: 5000 }).status === 0;

async function waitFor(check, what, seconds = 30) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return true;
    await sleep(250);
  }
  throw new Error(`${what} did not answer within ${seconds}s after starting it`);
}

const isLocal = (url) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname);

async function ensureRedis() {
  if (await redisPing()) return log(`redis answers at ${redisUrl.host}`);
  if (!isLocal(redisUrl)) throw new Error(`Redis at ${redisUrl.host} does not answer, and it is not on this machine, so it cannot be started here`);
  if (dockerAnswers()) {
    log('starting redis with docker compose');
    execFileSync('docker', ['compose', 'up', '-d', 'redis'], { cwd: root, stdio: 'inherit' });
  } else if (which('redis-server')) {
    const dir = path.join(dataDir, 'redis');
    mkdirSync(dir, { recursive: true });
    log(`starting redis-server on port ${redisUrl.port || 6379} (data in ${path.relative(root, dir)})`);
    // noeviction: BullMQ must never have its keys evicted. AOF keeps queued jobs across a restart.
    execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(redisUrl.port || 6379),
      '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--logfile', path.join(dir, 'redis.log')], { stdio: 'inherit' });
  } else {
    throw new Error('Redis does not answer and cannot be started: install it (Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`) or set REDIS_URL to a running server');
  }
  await waitFor(redisPing, 'redis');
  log('redis is up');
}

function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(base, versions[0], 'bin');
  }
  const initdb = which('initdb');
  return initdb ? path.dirname(initdb) : null;
}

function startSystemCluster() {
  // Debian/Ubuntu packaging: clusters live under /etc/postgresql/<version>/<name>.
  if (!which('pg_ctlcluster') || !existsSync('/etc/postgresql')) return false;
  for (const version of readdirSync('/etc/postgresql')) {
    for (const name of readdirSync(path.join('/etc/postgresql', version))) {
      const port = spawnSync('sh', ['-c', `grep -E '^\\s*port\\s*=' /etc/postgresql/${version}/${name}/postgresql.conf | head -1 | sed 's/[^0-9]//g'`], { encoding: 'utf8' }).stdout.trim();
      if (port && port !== String(databaseUrl.port || 5432)) continue;
      log(`starting the system Postgres cluster ${version}/${name}`);
      const res = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start'], { stdio: 'inherit' });
      return res.status === 0 || res.status === 2; // 2: already running
    }
  }
  return false;
}

function startPrivateCluster() {
  const binDir = postgresBinDir();
  if (!binDir) return false;
  const dir = path.join(dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root; run them as the `postgres` system user in that case.
  const runAs = (cmd, args) => asRoot
    ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'inherit' })
    : execFileSync(cmd, args, { stdio: 'inherit' });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    mkdirSync(dir, { recursive: true });
    if (asRoot) {
      // os.userInfo() only describes the current user; ask the system for the postgres account's ids.
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dataDir, uid, gid);
      chownSync(dir, uid, gid);
    }
    log(`initdb into ${path.relative(root, dir)}`);
    runAs(path.join(binDir, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  }
  log(`starting a private Postgres on port ${databaseUrl.port || 5432}`);
  runAs(path.join(binDir, 'pg_ctl'), ['-D', dir, '-l', path.join(dir, 'server.log'), '-w', '-o',
    `-p ${databaseUrl.port || 5432} -k /tmp -c listen_addresses=127.0.0.1`, 'start']);
  return true;
}

async function ensurePostgres() {
  if (!(await postgresAnswers())) {
    if (!isLocal(databaseUrl)) throw new Error(`Postgres at ${databaseUrl.host} does not answer, and it is not on this machine, so it cannot be started here`);
    if (dockerAnswers()) {
      log('starting postgres with docker compose');
      execFileSync('docker', ['compose', 'up', '-d', 'postgres'], { cwd: root, stdio: 'inherit' });
    } else if (!startSystemCluster() && !startPrivateCluster()) {
      throw new Error('Postgres does not answer and cannot be started: install it (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql@15`) or set DATABASE_URL to a running server');
    }
    await waitFor(postgresAnswers, 'postgres', 60);
    log('postgres is up');
  } else {
    log(`postgres answers at ${databaseUrl.host}`);
  }
  const database = decodeURIComponent(databaseUrl.pathname.slice(1));
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
      log(`created database ${database}`);
    }
  } finally {
    await client.end();
  }
}

try {
  await ensureRedis();
  await ensurePostgres();
} catch (err) {
  console.error(`services: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
