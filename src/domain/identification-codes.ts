// Identification codes: a short one-time code for the person some details describe, redeemed by
// a messenger profile to link itself with that person.
import { randomBytes } from 'node:crypto';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { validateCustomFields } from './custom-fields.ts';
import { fullNameOf, linkProfiles, requireCustomer, splitFullName } from './customers.ts';
import { DomainError, Problems } from './errors.ts';
import { withEvents } from './events/outbox.ts';
import { CUSTOMER_SNAPSHOT, customerCreated } from './events/people-events.ts';
import { emailPattern } from './formats.ts';
import type { PersonRef } from './people.ts';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const IDENTIFICATION_CODE_TTL_MS = 60 * 60 * 1000;

/** 10 characters from a 32-letter alphabet without look-alikes: 50 random bits. */
export function newIdentificationCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => CODE_ALPHABET[b % 32]).join('');
}

export interface IdentifyInput {
  fullName?: string | null;
  companyName?: string | null;
  email?: string | null;
  phone?: string | null;
  whatsappPhone?: string | null;
  customId?: string | null;
  customChannel?: string | null;
  customFields?: Record<string, unknown> | null;
}

/**
 * Finds the profile the details describe (by custom id, then email, then phone, then WhatsApp
 * phone), or creates it, and issues a one-time code for it.
 */
export async function generateIdentificationCode(
  prisma: PrismaClient,
  input: IdentifyInput,
  now: Date,
  actor: PersonRef | null = null,
) {
  const problems = new Problems();
  const email = input.email?.trim().toLowerCase() || null;
  if (email && !emailPattern.test(email)) problems.add('INVALID', 'email is not a valid address.', ['email']);
  if (!email && !input.phone && !input.whatsappPhone && !input.customId) {
    problems.add('REQUIRED', 'Give at least one of email, phone, whatsappPhone or customId to identify the person.');
  }
  const customFields = await validateCustomFields(prisma, input.customFields ?? {}, problems);
  problems.throwIfAny();

  const candidates: Prisma.CustomerWhereInput[] = [];
  if (input.customId) candidates.push({ customId: input.customId });
  if (email) candidates.push({ email });
  if (input.phone) candidates.push({ phone: input.phone });
  if (input.whatsappPhone) candidates.push({ whatsappPhone: input.whatsappPhone });
  let customer = null;
  for (const where of candidates) {
    customer = await prisma.customer.findFirst({ where: { ...where, isPlaceholder: false }, select: { id: true } });
    if (customer) break;
  }
  if (!customer) {
    const names = splitFullName(input.fullName ?? '');
    customer = await withEvents(prisma, async (tx, log) => {
      const made = await tx.customer.create({
        data: {
          ...names,
          fullName: fullNameOf(names.firstName, names.lastName),
          email,
          phone: input.phone ?? null,
          whatsappPhone: input.whatsappPhone ?? null,
          companyName: input.companyName ?? null,
          customId: input.customId ?? null,
          customChannel: input.customChannel ?? null,
          channel:
            input.customChannel || input.customId
              ? 'CUSTOM'
              : email
                ? 'EMAIL'
                : input.whatsappPhone
                  ? 'WHATSAPP'
                  : 'PHONE',
          customFields,
        },
        select: CUSTOMER_SNAPSHOT,
      });
      log.add(customerCreated(made, actor, now));
      return { id: made.id };
    });
  }
  const code = await prisma.identificationCode.create({
    data: {
      code: newIdentificationCode(),
      customerId: customer.id,
      expiresAt: new Date(now.getTime() + IDENTIFICATION_CODE_TTL_MS),
    },
    select: { code: true, expiresAt: true, customerId: true },
  });
  return code;
}

/** Links the messenger profile to the person the code identifies. A code works once. */
export async function redeemIdentificationCode(
  prisma: PrismaClient,
  code: string,
  profileId: number,
  now: Date,
  actor: PersonRef | null = null,
) {
  await requireCustomer(prisma, profileId, ['profile']);
  const claimed = await prisma.identificationCode.updateMany({
    where: { code: code.trim().toUpperCase(), usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (claimed.count === 0) throw DomainError.of('NOT_FOUND', 'The code is unknown, expired or already used.', ['code']);
  const { customerId } = (await prisma.identificationCode.findUnique({
    where: { code: code.trim().toUpperCase() },
    select: { customerId: true },
  }))!;
  if (customerId !== profileId) await linkProfiles(prisma, customerId, profileId, () => now.getTime(), actor);
  return { id: customerId };
}
