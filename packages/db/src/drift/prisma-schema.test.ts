import { describe, expect, it } from 'vitest';
import { expectedDatabase, normalisePredicate, parseAttributes, parsePrismaSchema } from './prisma-schema.js';

const SCHEMA = `
generator client {
  provider = "prisma-client" // comment
}
enum Color {
  RED
  GREEN // trailing comment
  @@map("color")
}
model Box {
  id      BigInt   @id @default(autoincrement())
  label   String   @unique(map: "box_label_custom") @default("it's")
  color   Color    @default(GREEN)
  tags    String[]
  ownerId String?  @map("owner_id")
  at      DateTime @default(now()) @map("at") @db.Timestamptz(3)
  plain   DateTime
  owner   Owner?   @relation(fields: [ownerId], references: [id])
  @@index([ownerId, at])
  @@index([label], map: "box_red_label_idx", where: raw("color = 'RED'"))
  @@map("box")
}
model Owner {
  id    String @id
  boxes Box[]
  @@unique([id], map: "owner_id_again")
}
`;

describe('parsePrismaSchema / expectedDatabase', () => {
  it('derives the tables, columns and constraints Prisma Migrate creates, with its naming conventions', () => {
    const db = expectedDatabase(parsePrismaSchema(SCHEMA));
    expect(db.enums).toEqual([{ name: 'color', values: ['RED', 'GREEN'] }]);
    const box = db.tables.find((t) => t.name === 'box')!;
    expect(box.columns).toEqual([
      { name: 'id', type: 'bigint', nullable: false, default: "nextval('box_id_seq'::regclass)" },
      { name: 'label', type: 'text', nullable: false, default: "'it''s'::text" },
      { name: 'color', type: 'color', nullable: false, default: "'GREEN'::color" },
      { name: 'tags', type: 'text[]', nullable: true, default: null },
      { name: 'owner_id', type: 'text', nullable: true, default: null },
      { name: 'at', type: 'timestamp(3) with time zone', nullable: false, default: 'CURRENT_TIMESTAMP' },
      { name: 'plain', type: 'timestamp(3) without time zone', nullable: false, default: null },
    ]);
    expect(box.indexes).toEqual([
      { name: 'box_pkey', columns: ['id'], unique: true, primary: true },
      { name: 'box_label_custom', columns: ['label'], unique: true, primary: false },
      { name: 'box_owner_id_at_idx', columns: ['owner_id', 'at'], unique: false, primary: false },
      { name: 'box_red_label_idx', columns: ['label'], unique: false, primary: false, where: "color = 'RED'" },
    ]);
    expect(box.foreignKeys).toEqual([
      { name: 'box_owner_id_fkey', columns: ['owner_id'], refTable: 'Owner', refColumns: ['id'], onDelete: 'SET NULL', onUpdate: 'CASCADE' },
    ]);
    const owner = db.tables.find((t) => t.name === 'Owner')!;
    expect(owner.columns.map((c) => c.name)).toEqual(['id']);
    expect(owner.indexes.map((i) => i.name)).toEqual(['Owner_pkey', 'owner_id_again']);
  });

  it('reads nested attribute arguments', () => {
    expect(parseAttributes('@@index([a, b], map: "x") @db.VarChar(12)', 1)).toEqual([
      { name: 'index', args: [{ value: { kind: 'list', items: [{ kind: 'ident', value: 'a' }, { kind: 'ident', value: 'b' }] } }, { name: 'map', value: { kind: 'string', value: 'x' } }] },
      { name: 'db.VarChar', args: [{ value: { kind: 'number', value: '12' } }] },
    ]);
  });

  it('normalises partial-index predicates the way Postgres prints them back', () => {
    expect(normalisePredicate(`(status = 'SUCCEEDED'::run_status)`)).toBe("status = 'SUCCEEDED'");
    expect(normalisePredicate(`"status"  =  'SUCCEEDED'`)).toBe("status = 'SUCCEEDED'");
    expect(normalisePredicate(`(tags = '{}'::text[])`)).toBe("tags = '{}'");
    expect(normalisePredicate(`status = 'FAILED'`)).not.toBe(normalisePredicate(`(status = 'SUCCEEDED'::run_status)`));
    expect(() => expectedDatabase(parsePrismaSchema(`model A {\n  id String @id\n  @@index([id], where: "id = 'x'")\n}\n`))).toThrow(/where: raw/);
  });

  it('names the line of something it cannot read', () => {
    expect(() => parsePrismaSchema('model A {\n  id String @id(\n}\n')).toThrow(/schema\.prisma:2: unterminated arguments/);
    expect(() => parsePrismaSchema('nonsense\n')).toThrow(/schema\.prisma:1: expected a block/);
  });
});
