import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const key = 'a'.repeat(40);

describe('configuration', () => {
  it('has working defaults with no environment at all', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/data$/);
    expect(config.autoMigrate).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config.admin).toBeUndefined();
    expect(config.metrics).toBe(false);
    expect(config.publicUrl).toBeUndefined();
    // Slow-client limits and connection cap.
    expect(config.headersTimeoutMs).toBe(15_000);
    expect(config.requestTimeoutMs).toBe(120_000);
    expect(config.maxConnections).toBe(1000);
    // JSON bodies: one base64 file of the largest size (10 MiB -> 4/3) plus 1 MiB.
    expect(config.maxRequestBytes).toBe(50 * 1024 * 1024);
    expect(config.maxJsonBytes).toBe(4 * Math.ceil((10 * 1024 * 1024) / 3) + 1024 * 1024);
    // DiamanteDesk's portal lifetime; shops fill dropdowns with limit=999999.
    expect(config.wsseLifetimeSeconds).toBe(300);
    expect(config.restMaxPageSize).toBe(1000);
  });

  it('reads the WSSE lifetime and the REST page maximum', () => {
    expect(loadConfig({ HELPDESK_WSSE_LIFETIME: '3600', HELPDESK_REST_MAX_PAGE_SIZE: '200' })).toMatchObject({
      wsseLifetimeSeconds: 3600,
      restMaxPageSize: 200,
    });
  });

  it('reads the body, timeout and connection limits', () => {
    expect(
      loadConfig({
        HELPDESK_MAX_JSON_SIZE: '2048',
        HELPDESK_HEADERS_TIMEOUT_MS: '5000',
        HELPDESK_REQUEST_TIMEOUT_MS: '300000',
        HELPDESK_MAX_CONNECTIONS: '50',
      }),
    ).toMatchObject({ maxJsonBytes: 2048, headersTimeoutMs: 5000, requestTimeoutMs: 300_000, maxConnections: 50 });
    // The JSON cap follows the file size, but never above the request cap.
    expect(loadConfig({ HELPDESK_MAX_FILE_SIZE: String(60 * 1024 * 1024) }).maxJsonBytes).toBe(50 * 1024 * 1024);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u@db:5432/helpdesk',
      HELPDESK_DATA_DIR: '/var/lib/helpdesk',
      LOG_LEVEL: 'debug',
      HELPDESK_AUTO_MIGRATE: '0',
      HELPDESK_ADMIN_EMAIL: 'Boss@Example.com',
      HELPDESK_ADMIN_API_KEY: key.toUpperCase(),
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://u@db:5432/helpdesk',
      dataDir: '/var/lib/helpdesk',
      logLevel: 'debug',
      autoMigrate: false,
      admin: { email: 'boss@example.com', apiKey: key },
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /DATABASE_URL must start with postgres/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ HELPDESK_AUTO_MIGRATE: 'maybe' }, /HELPDESK_AUTO_MIGRATE must be 1 or 0/],
    [{ HELPDESK_ADMIN_EMAIL: 'a@b.co' }, /must be set together/],
    [{ HELPDESK_ADMIN_EMAIL: 'nope', HELPDESK_ADMIN_API_KEY: key }, /not an email address/],
    [{ HELPDESK_ADMIN_EMAIL: 'a@b.co', HELPDESK_ADMIN_API_KEY: 'short' }, /40 hexadecimal/],
    [{ HELPDESK_SECRET_KEY: 'tiny' }, /HELPDESK_SECRET_KEY must be 32 bytes/],
    [{ HELPDESK_MAX_JSON_SIZE: '10' }, /HELPDESK_MAX_JSON_SIZE must be an integer from 1024/],
    [{ HELPDESK_HEADERS_TIMEOUT_MS: '0' }, /HELPDESK_HEADERS_TIMEOUT_MS must be an integer from 100/],
    [{ HELPDESK_MAX_CONNECTIONS: 'many' }, /HELPDESK_MAX_CONNECTIONS must be an integer/],
    [{ HELPDESK_WSSE_LIFETIME: '0' }, /HELPDESK_WSSE_LIFETIME must be an integer from 1 to 86400/],
    [{ HELPDESK_REST_MAX_PAGE_SIZE: '100000' }, /HELPDESK_REST_MAX_PAGE_SIZE must be an integer from 1 to 10000/],
    [
      { HELPDESK_HEADERS_TIMEOUT_MS: '60000', HELPDESK_REQUEST_TIMEOUT_MS: '30000' },
      /must not be larger than HELPDESK_REQUEST_TIMEOUT_MS/,
    ],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("reads Deskie's language table; refuses a malformed one", () => {
    expect([...loadConfig({}).deskieLanguages]).toEqual([
      [1, 'ru'],
      [2, 'en'],
    ]);
    expect([...loadConfig({ HELPDESK_DESKIE_LANGUAGES: '1=ru, 2=EN,7=pt-BR' }).deskieLanguages]).toEqual([
      [1, 'ru'],
      [2, 'en'],
      [7, 'pt-br'],
    ]);
    for (const [value, message] of [
      ['1=ru,1=en', /id 1 appears twice/],
      ['1=ru,2=ru', /"ru" appears twice/],
      ['one=ru', /not <number>=<language tag>/],
      ['1=', /not <number>=<language tag>/],
      [',', /empty/],
    ] as const) {
      expect(() => loadConfig({ HELPDESK_DESKIE_LANGUAGES: value })).toThrow(message);
    }
  });

  it('lists every problem at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT[\s\S]*LOG_LEVEL/);
  });

  it('the server refuses to start on a bad value, with the message and a non-zero exit', () => {
    const result = spawnSync(process.execPath, ['src/main.ts'], {
      env: { ...process.env, PORT: 'not-a-port', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT must be an integer');
  });
});
