import { hash } from '@node-rs/argon2';
import type { Prisma } from '../db/prisma.js';

export interface SeedDemoFirmOptions {
  prisma: Prisma;
  password: string;
}

export interface DemoSeedResult {
  seeded: boolean;
  firmId: string;
}

export const demoUsers = [
  { email: 'admin@demo.test', name: 'Ada Admin', role: 'admin' },
  { email: 'supervisor@demo.test', name: 'Sam Supervisor', role: 'supervisor' },
  { email: 'lawyer@demo.test', name: 'Laura Lawyer', role: 'lawyer' },
  { email: 'lawyer2@demo.test', name: 'Leo Lawyer', role: 'lawyer' },
  { email: 'staff@demo.test', name: 'Stacy Staff', role: 'staff' },
] as const;

export const demoAccountId = 'demo';

/**
 * The demo firm of ARCHITECTURE.md ("Demo Law LLP"): five users, the simulator account `demo`, and three opted-in
 * clients with a matter each. Runs only on a database without the demo firm; two processes starting together seed
 * it once (the firm's unique slug decides).
 */
export async function seedDemoFirm(options: SeedDemoFirmOptions): Promise<DemoSeedResult> {
  const { prisma } = options;
  const existing = await prisma.firm.findUnique({ where: { slug: 'demo' } });
  if (existing) return { seeded: false, firmId: existing.id };
  const passwordHash = await hash(options.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const firm = await tx.firm.create({
        data: { name: 'Demo Law LLP', slug: 'demo', timeZone: 'America/New_York', defaultLanguage: 'en' },
      });
      const users: Record<string, string> = {};
      for (const [index, user] of demoUsers.entries()) {
        const created = await tx.user.create({
          data: {
            firmId: firm.id,
            email: user.email,
            name: user.name,
            role: user.role,
            passwordHash,
            timekeeperId: `TK${String(index + 1).padStart(3, '0')}`,
            // LEDES timekeeper classifications: the demo's lawyers are partners; others follow their role.
            classification: user.role === 'lawyer' ? 'PARTNR' : null,
            rateCents: user.role === 'lawyer' ? 30000 : 12000,
          },
        });
        users[user.email] = created.id;
      }
      await tx.channelAccount.create({
        data: {
          id: demoAccountId,
          firmId: firm.id,
          kind: 'simulator',
          name: 'Demo simulator',
          address: '+15550100000',
          state: 'connected',
        },
      });
      await tx.businessHours.create({
        data: {
          firmId: firm.id,
          timeZone: 'America/New_York',
          weekly: { '1': [['09:00', '17:30']], '2': [['09:00', '17:30']], '3': [['09:00', '17:30']], '4': [['09:00', '17:30']], '5': [['09:00', '17:30']] },
          closures: [],
        },
      });
      // Saved replies the demo's lawyers can insert into the composer.
      await tx.cannedReply.createMany({
        data: [
          { firmId: firm.id, name: 'Documents received', language: 'en', body: 'Thank you, we have received your documents and will review them this week.' },
          { firmId: firm.id, name: 'Documents received', language: 'es', body: 'Gracias, hemos recibido sus documentos y los revisaremos esta semana.' },
          { firmId: firm.id, name: 'Call to discuss', language: 'en', body: 'Could we call you tomorrow to discuss the next steps? Please tell us a time that suits you.' },
          { firmId: firm.id, name: 'Call to discuss', language: 'es', body: '¿Podemos llamarle mañana para hablar de los próximos pasos? Díganos qué hora le viene bien.' },
        ],
      });
      const clients = [
        { name: 'Alice Avery', phone: '+15550100001', language: 'en', lawyer: 'lawyer@demo.test', number: 'M-0001', title: 'Avery v. Northwind Motors (lemon law)', area: 'consumer' },
        { name: 'Bob Brennan', phone: '+15550100002', language: 'en', lawyer: 'lawyer2@demo.test', number: 'M-0002', title: 'Brennan tenancy dispute', area: 'housing', wallOut: 'supervisor@demo.test' },
        { name: 'María García', phone: '+34600100003', language: 'es', lawyer: 'lawyer@demo.test', number: 'M-0003', title: 'García — reclamación de consumo', area: 'consumer' },
      ];
      for (const spec of clients) {
        const client = await tx.client.create({ data: { firmId: firm.id, name: spec.name, language: spec.language } });
        const matter = await tx.matter.create({
          data: {
            firmId: firm.id,
            clientId: client.id,
            number: spec.number,
            title: spec.title,
            practiceArea: spec.area,
            members: { create: [{ userId: users[spec.lawyer]!, role: 'responsible' }] },
          },
        });
        if (spec.wallOut) {
          await tx.ethicalWall.create({
            data: { matterId: matter.id, userId: users[spec.wallOut]!, reason: 'Demo: prior representation of the opposing party' },
          });
        }
        const identity = await tx.contactIdentity.create({
          data: {
            firmId: firm.id,
            accountId: demoAccountId,
            address: spec.phone,
            displayName: spec.name,
            clientId: client.id,
            language: spec.language,
            consentState: 'opted_in',
            consentUpdatedAt: new Date(),
          },
        });
        await tx.consentEvent.create({
          data: {
            identityId: identity.id,
            fromState: 'unknown',
            toState: 'opted_in',
            source: 'import',
            channel: 'simulator',
            note: 'Demo seed: the client agreed in writing at intake.',
          },
        });
        await tx.conversation.create({
          data: {
            firmId: firm.id,
            accountId: demoAccountId,
            externalId: spec.phone,
            identityId: identity.id,
            matterId: matter.id,
            title: spec.name,
            needsTriage: false,
          },
        });
      }
      return { seeded: true, firmId: firm.id };
      // Seeding writes a few dozen rows; a slow or busy machine must not fail the first start on Prisma's 5 s default.
    }, { maxWait: 30_000, timeout: 120_000 });
  } catch (error) {
    const raced = await prisma.firm.findUnique({ where: { slug: 'demo' } });
    if (raced) return { seeded: false, firmId: raced.id };
    throw error;
  }
}
