import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMMANDS } from '../../../cli/commands/index.ts';
import { ENVIRONMENT_VARIABLES, loadConfig } from '../../../config/load-config.ts';
import { REPO_ROOT } from '../helpers/knowledge-fixtures.ts';
import { SOURCE_DIRS } from '../../../bin/launcher.js';

/**
 * The deployment files cannot be built here (no container daemon, no systemd): they are parsed, and what
 * they reference must exist — source folders and scripts, the `passerelle` commands they run, the ports the
 * configuration listens on, and every environment variable they set must be one the configuration reads.
 */

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const defaults = loadConfig({ env: {} });
const TEAMS_PORT = String(defaults.teams.port);
const ADMIN_PORT = String(defaults.announcements.adminPort);
/** Variables of the runtime or of the containers beside Passerelle, not of Passerelle's configuration. */
const FOREIGN = new Set(['NODE_ENV', 'NODE_EXTRA_CA_CERTS']);

function assertKnownVariables(names: Iterable<string>, where: string): void {
  for (const name of names) if (!FOREIGN.has(name)) assert.ok(ENVIRONMENT_VARIABLES.includes(name), `${where}: ${name} is not read by config/load-config.ts`);
}

/** The `passerelle` command of an argument list ("serve", "doctor --timeout 15"…), checked against the CLI. */
function assertCommand(args: string[], where: string): void {
  assert.ok(args[0] && args[0] in COMMANDS, `${where}: unknown passerelle command « ${args.join(' ')} »`);
}

describe('deployment files reference what exists', () => {
  describe('deploy/Dockerfile', () => {
    const text = read('deploy/Dockerfile');
    const lines = text.split('\n').filter((line) => !line.startsWith('#'));
    const instructions = (name: string) => lines.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1).trim());

    it('is multi-stage, ends as a non-root user, with a health check on /healthz', () => {
      assert.ok(instructions('FROM').length >= 3, 'build, dependencies and runtime stages');
      const user = instructions('USER').at(-1) ?? '';
      assert.ok(user && !/^(root|0)(:|$)/.test(user), `runtime user ${user}`);
      assert.match(text, /^HEALTHCHECK .*\n\s+CMD .*\/healthz/m);
    });

    it('copies folders and files that exist, and builds with `npm run build` (the one build path)', () => {
      for (const copy of instructions('COPY').filter((line) => !line.startsWith('--from'))) {
        const sources = copy.split(/\s+/).slice(0, -1);
        for (const source of sources) assert.ok(existsSync(join(REPO_ROOT, source)), `COPY ${source}`);
      }
      const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
      assert.ok(scripts.build, 'package.json has a build script');
      assert.ok(instructions('RUN').some((line) => /\bnpm run build\b/.test(line)), 'the image builds with npm run build');
      assert.ok(!existsSync(join(REPO_ROOT, 'deploy/build.sh')), 'no second build script');
      // The image copies every folder `npm run build` compiles (tsconfig.build.json, bin/launcher.js).
      const build = JSON.parse(read('tsconfig.build.json')) as { include: string[]; compilerOptions: { outDir: string } };
      assert.deepEqual([...build.include].sort(), [...SOURCE_DIRS].sort());
      assert.equal(build.compilerOptions.outDir, 'dist');
      const copied = instructions('COPY').filter((line) => !line.startsWith('--from')).flatMap((line) => line.split(/\s+/).slice(0, -1));
      for (const folder of [...SOURCE_DIRS, 'bin', 'tsconfig.build.json']) assert.ok(copied.includes(folder), `the build stage copies ${folder}`);
      // The runtime's project root (/app) has what dist/ lacks: package.json (ESM) and the sample documents.
      assert.ok(copied.includes('package.json') && copied.includes('examples'));
    });

    it('runs the compiled CLI, exposes the configured ports and sets only known variables', () => {
      const entry = JSON.parse(instructions('ENTRYPOINT')[0] ?? '[]') as string[];
      const script = entry.find((part) => part.endsWith('.js'));
      assert.equal(script, 'cli/main.js');
      assert.ok(existsSync(join(REPO_ROOT, 'cli/main.ts')), 'cli/main.ts compiles to cli/main.js');
      assertCommand(JSON.parse(instructions('CMD').at(-1) ?? '[]') as string[], 'CMD');
      assert.deepEqual(instructions('EXPOSE').join(' ').split(/\s+/).sort(), [TEAMS_PORT, ADMIN_PORT].sort());
      const envNames = [...text.matchAll(/^\s*(?:ENV\s+)?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!);
      assert.ok(envNames.includes('PASSERELLE_DATA_DIR'));
      assertKnownVariables(envNames, 'Dockerfile');
      assertKnownVariables([...text.matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)].map((match) => match[1]!), 'Dockerfile HEALTHCHECK');
    });
  });

  describe('deploy/compose.yaml', () => {
    type Service = { image?: string; build?: { context: string; dockerfile: string }; command?: string[]; environment?: Record<string, string>; env_file?: string; expose?: string[]; volumes?: string[]; healthcheck?: unknown };
    const compose = parse(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
    const passerelle = Object.entries(compose.services).filter(([, service]) => service.build?.dockerfile === 'deploy/Dockerfile');

    it('has Qdrant, Redis, PostgreSQL, two serve replicas and a worker', () => {
      const images = Object.values(compose.services).map((service) => service.image ?? '');
      for (const image of ['qdrant/qdrant', 'redis', 'postgres']) assert.ok(images.some((name) => name.startsWith(`${image}:`)), image);
      assert.equal(passerelle.filter(([, service]) => service.command?.[0] === 'serve').length, 2);
      assert.equal(passerelle.filter(([, service]) => service.command?.[0] === 'worker').length, 1);
    });

    it('builds the Dockerfile, runs known commands, sets only variables the configuration reads', () => {
      for (const [name, service] of passerelle) {
        assert.ok(existsSync(join(REPO_ROOT, 'deploy', service.build!.context, service.build!.dockerfile)), `${name}: Dockerfile`);
        assertCommand(service.command ?? [], name);
        assertKnownVariables(Object.keys(service.environment ?? {}), `compose ${name}`);
        assert.ok(existsSync(join(REPO_ROOT, 'deploy', `${service.env_file}.example`)), `${name}: ${service.env_file}.example`);
        for (const port of service.expose ?? []) assert.ok([TEAMS_PORT, ADMIN_PORT, service.environment?.PASSERELLE_WORKER_METRICS_PORT].includes(port), `${name}: port ${port}`);
      }
      // The replicas share the data folder (uploads, Tchap crypto store) and use the shared stores.
      const [, first] = passerelle[0]!;
      assert.equal(first.environment?.PASSERELLE_STATE, 'postgres');
      assert.ok(first.environment?.REDIS_URL && first.environment?.QDRANT_URL && first.environment?.DATABASE_URL);
      const volumes = new Set(passerelle.map(([, service]) => JSON.stringify(service.volumes)));
      assert.equal(volumes.size, 1, 'every replica and the worker mount the same data volume');
    });

    it('mounts files that exist and declares its named volumes', () => {
      for (const [name, service] of Object.entries(compose.services)) {
        for (const volume of service.volumes ?? []) {
          const [source] = volume.split(':');
          if (source!.startsWith('.')) assert.ok(existsSync(join(REPO_ROOT, 'deploy', source!)), `${name}: ${source}`);
          else assert.ok(source! in compose.volumes, `${name}: volume ${source}`);
        }
      }
    });

    it('the proxy balances the serve replicas on the Teams port, checking /healthz', () => {
      const caddy = read('deploy/Caddyfile');
      const upstreams = /reverse_proxy ([^{]+)\{/.exec(caddy)?.[1]?.trim().split(/\s+/) ?? [];
      assert.deepEqual(upstreams.sort(), passerelle.filter(([, service]) => service.command?.[0] === 'serve').map(([name]) => `${name}:${TEAMS_PORT}`).sort());
      assert.match(caddy, /handle \/api\/messages/);
      assert.match(caddy, /health_uri \/healthz/);
    });
  });

  describe('deploy/systemd', () => {
    for (const unit of ['passerelle-serve.service', 'passerelle-worker.service']) {
      it(`${unit}: non-root, runs a known command of the compiled CLI, known variables`, () => {
        const text = read(`deploy/systemd/${unit}`);
        const values = (key: string) => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((match) => match[1]!.trim());
        assert.ok(!['root', '0'].includes(values('User')[0] ?? 'root'), 'User');
        for (const exec of [...values('ExecStart'), ...values('ExecStartPre')]) {
          const args = exec.split(/\s+/);
          const script = args.findIndex((arg) => arg.endsWith('/cli/main.js'));
          assert.ok(script > 0, exec);
          assertCommand(args.slice(script + 1), `${unit} ${exec}`);
        }
        assertKnownVariables(values('Environment').flatMap((line) => line.split(/\s+/).map((pair) => pair.split('=')[0]!)), unit);
        assert.deepEqual(values('ReadWritePaths'), ['/var/lib/passerelle']);
      });
    }
  });

  it('deploy/passerelle.env.example sets only variables the configuration reads', () => {
    const names = [...read('deploy/passerelle.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!);
    assert.ok(names.length > 20);
    assertKnownVariables(names, 'passerelle.env.example');
  });

  it('docs/operations.md names files and commands that exist', () => {
    const doc = read('docs/operations.md');
    for (const [, path] of doc.matchAll(/`((?:deploy|docs|test)\/[\w./-]+)`/g)) assert.ok(existsSync(join(REPO_ROOT, path!)), path);
    for (const [, command] of doc.matchAll(/`passerelle (\w[\w-]*)/g)) assert.ok(command! in COMMANDS, `passerelle ${command}`);
    for (const [, variable] of doc.matchAll(/`([A-Z][A-Z0-9_]{3,})`/g)) if (!['POSTGRES_PASSWORD', 'PASSERELLE_PUBLIC_HOST', 'HEALTHCHECK'].includes(variable!)) assertKnownVariables([variable!], 'docs/operations.md');
    for (const [, path] of doc.matchAll(/`(bot\.\w+|announcements\.\w+)`/g)) {
      const [section, key] = path!.split('.') as [keyof typeof defaults, string];
      assert.ok(key in (defaults[section] as object), path);
    }
  });
});
