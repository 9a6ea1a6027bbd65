import {
  type DatabaseIntrospector,
  type DatabaseMetadataOptions,
  type Kysely,
  PostgresDialect,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

/**
 * Kysely's PostgreSQL introspector reads every column of every schema and calls
 * `has_schema_privilege(name)` on each; a schema dropped by another connection mid-query makes it
 * fail with "schema … does not exist" (tests drop theirs while others migrate). The migrator only
 * asks whether its own tables exist, so this one looks at the current schema alone and touches
 * catalog rows only, never name-resolving functions.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  // biome-ignore lint/suspicious/noExplicitAny: introspection is schema-agnostic by nature
  private readonly db: Kysely<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  constructor(db: Kysely<any>) {
    this.db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const rows = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(
      this.db,
    );
    return rows.rows.map((r) => ({ name: r.name }));
  }

  async getTables(_options?: DatabaseMetadataOptions): Promise<TableMetadata[]> {
    const rows = await sql<{
      schema: string;
      table: string;
      kind: string;
      column: string;
      type: string;
      notnull: boolean;
      hasdef: boolean;
    }>`
      select n.nspname as schema, c.relname as table, c.relkind as kind, a.attname as column,
             t.typname as type, a.attnotnull as notnull, a.atthasdef as hasdef
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        join pg_catalog.pg_type t on t.oid = a.atttypid
       where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p', 'f')
       order by c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata>();
    for (const r of rows.rows) {
      let table = tables.get(r.table);
      if (!table) {
        table = {
          name: r.table,
          schema: r.schema,
          isView: r.kind === 'v',
          isForeign: r.kind === 'f',
          columns: [],
        };
        tables.set(r.table, table);
      }
      table.columns.push({
        name: r.column,
        dataType: r.type,
        isNullable: !r.notnull,
        hasDefaultValue: r.hasdef,
        isAutoIncrementing: false,
      });
    }
    return [...tables.values()];
  }
}

export class ScopedPostgresDialect extends PostgresDialect {
  // biome-ignore lint/suspicious/noExplicitAny: matches Dialect.createIntrospector's signature
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}
