import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withConfigTable } from '../app/config-table.js';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('defaults to the embedded SQLite database with the sandbox on', () => {
    const c = loadConfig({});
    expect(c.databaseKind).toBe('sqlite');
    expect(c.PORT).toBe(3000);
    expect(c.SANDBOX_CHANNEL).toBe(true);
    expect(c.CALLBACK_ALLOW_LOOPBACK).toBe(true);
  });

  it('turns the sandbox and loopback callbacks off in production and requires SECRET_KEY there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRET_KEY is required/);
    const c = loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'ab'.repeat(32), DATABASE_URL: 'postgres://db/x' });
    expect(c.SANDBOX_CHANNEL).toBe(false);
    expect(c.CALLBACK_ALLOW_LOOPBACK).toBe(false);
    expect(c.databaseKind).toBe('postgresql');
  });

  it('reports every bad value in one readable line', () => {
    let message = '';
    try {
      loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x', SECRET_KEY: 'short' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/PORT: .*; DATABASE_URL: must start with postgres:\/\/, sqlite: or file:; SECRET_KEY: must be 64 hex/);
  });

  it('has a README configuration table that matches the schema (npm run docs:config)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
  });
});
