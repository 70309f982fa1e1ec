// Encrypts API keys at rest. WSSE digests need the key itself, so a one-way hash is not enough;
// AES-256-GCM with a server key keeps a database dump from handing out credentials.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeSecretKey } from '../config.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';

export interface SecretBox {
  encrypt(plaintext: string): string;
  /** Throws when the ciphertext was made with another server key. */
  decrypt(ciphertext: string): string;
  /** HMAC-SHA256 (base64url) under a key derived from the server key, for signed URLs. */
  sign(data: string): string;
}

export function secretBox(key: Buffer): SecretBox {
  // A separate key for signatures, so a signature never doubles as anything encrypted.
  const signingKey = createHmac('sha256', key).update('helpdesk signed urls v1').digest();
  return {
    sign(data) {
      return createHmac('sha256', signingKey).update(data).digest('base64url');
    },
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
    },
    decrypt(ciphertext) {
      const [version, iv, tag, body] = ciphertext.split('.');
      if (version !== 'v1' || !iv || !tag || !body) throw new Error('Unknown API key encryption format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The server key: HELPDESK_SECRET_KEY when set, otherwise `secret.key` in the data directory,
 * generated on first start with owner-only permissions. `mayGenerate` is false once API keys
 * exist: a missing key file then means lost credentials, and must stop the server, not be
 * silently replaced.
 */
export async function loadServerKey(
  configured: string | undefined,
  dataDir: string,
  mayGenerate: boolean,
): Promise<Buffer> {
  if (configured) return decodeSecretKey(configured)!;
  const file = path.join(dataDir, 'secret.key');
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) {
    const key = decodeSecretKey(existing.trim());
    if (!key) throw new Error(`${file} does not hold a 32-byte key; restore it from backup or set HELPDESK_SECRET_KEY`);
    return key;
  }
  if (!mayGenerate) {
    throw new Error(
      `The server key is missing (${file} does not exist and HELPDESK_SECRET_KEY is not set), but the database ` +
        'holds API keys encrypted with it. Restore the key from backup or set HELPDESK_SECRET_KEY; ' +
        'generating a new one would make every stored API key unusable for WSSE.',
    );
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return key;
}

/** Fails loudly when stored API keys were encrypted with another server key. */
export async function verifyServerKey(prisma: PrismaClient, box: SecretBox) {
  const sample = await prisma.apiKey.findFirst({ select: { secretEncrypted: true }, orderBy: { id: 'desc' } });
  checkServerKey(box, sample?.secretEncrypted ?? null);
}

/** verifyServerKey on a stored ciphertext already read (null: no keys stored yet). */
export function checkServerKey(box: SecretBox, sample: string | null) {
  if (sample === null) return;
  try {
    box.decrypt(sample);
  } catch {
    throw new Error(
      'The server key does not decrypt the stored API keys: HELPDESK_SECRET_KEY (or secret.key in the data ' +
        'directory) is not the key they were encrypted with. Restore the original key.',
    );
  }
}
