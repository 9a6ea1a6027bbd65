import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';

/**
 * Secrets at rest (mailbox passwords, later provider tokens): AES-256-GCM with a key from the
 * environment, stored as `v1:<iv>:<tag>:<ciphertext>` (base64url). Without FRONTLINE_SECRET_KEY the
 * embedded install makes a key once under its data directory, so `npm start` works and a copied
 * database alone does not reveal the passwords.
 */
export class Secrets {
  private readonly key: Buffer;

  constructor(config: Pick<Config, 'secretKey' | 'dataDir'>) {
    this.key = config.secretKey ? parseKey(config.secretKey) : localKey(config.dataDir);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv, c.getAuthTag(), body]
      .map((x) => (typeof x === 'string' ? x : x.toString('base64url')))
      .join(':');
  }

  /** The plain text, or throws when the value was sealed with another key or tampered with. */
  open(sealed: string): string {
    const [v, iv, tag, body] = sealed.split(':');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }
}

function parseKey(s: string): Buffer {
  const k = /^[0-9a-f]{64}$/i.test(s) ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64');
  if (k.length !== 32) throw new Error('FRONTLINE_SECRET_KEY must be 32 bytes, as 64 hex digits or base64');
  return k;
}

function localKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret.key');
  try {
    return parseKey(fs.readFileSync(file, 'utf8').trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // wx: two processes starting at once must not write two keys; the loser reads the winner's.
    fs.writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return parseKey(fs.readFileSync(file, 'utf8').trim());
  }
}
