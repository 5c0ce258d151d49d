/*
 * The SQLite schema migrations (schema/NNNN-what.sql), linked into the
 * binary so a newsdesk executable always carries the schema it expects;
 * and their PostgreSQL dialect (schema/pg/NNNN-what.sql, the same names),
 * as nd__pg_migrations in the same shape (docs/internals/postgres.md).
 *
 * nd__sqlite_migrations is, for each migration in order: its file name,
 * NUL, its SQL, NUL; and after the last one, one more NUL (see
 * nd__migration_next in store.c). To add a migration, add the .sql file
 * and one "migration" line at the end of the list; and its PostgreSQL
 * dialect in schema/pg/ with one "pg_migration" line.
 *
 * .incbin looks the file up in the current directory and then in the -I
 * directories; the build passes -I<source>/src for every module, so paths
 * are relative to src/.
 */
	.macro migration file
	.asciz "\file"
	.incbin "store/schema/\file"
	.byte 0
	.endm

	.macro pg_migration file
	.asciz "\file"
	.incbin "store/schema/pg/\file"
	.byte 0
	.endm

	.section .rodata
	.globl nd__sqlite_migrations
	.type nd__sqlite_migrations, %object
nd__sqlite_migrations:
	migration "0001-initial.sql"
	migration "0002-counters.sql"
	migration "0003-history.sql"
	migration "0004-accounts.sql"
	migration "0005-revisions.sql"
	migration "0006-webhooks.sql"
	migration "0007-retired-urls.sql"
	migration "0008-admin-indexes.sql"
	migration "0009-node-log.sql"
	.byte 0
	.size nd__sqlite_migrations, . - nd__sqlite_migrations

	.globl nd__pg_migrations
	.type nd__pg_migrations, %object
nd__pg_migrations:
	pg_migration "0001-initial.sql"
	pg_migration "0002-counters.sql"
	pg_migration "0003-history.sql"
	pg_migration "0004-accounts.sql"
	pg_migration "0005-revisions.sql"
	pg_migration "0006-webhooks.sql"
	pg_migration "0007-retired-urls.sql"
	pg_migration "0008-admin-indexes.sql"
	pg_migration "0009-node-log.sql"
	.byte 0
	.size nd__pg_migrations, . - nd__pg_migrations

	/* No executable stack. */
	.section .note.GNU-stack, "", %progbits
