// Which objects a dump takes: DumpOptions' filters (-n, -N, -t, -T, --exclude-table-data, -b/-B,
// -s/-a/--section, -x, --no-comments, ...) applied with pg_dump 15's rules.
//
// The patterns are matched on the server once per option kind (a VALUES list of regexes joined
// with the catalog), in the dump's transaction, so they see the dump's snapshot. Then two pure
// steps: PruneCatalog drops objects from the catalog model before the TOC is built (so what a
// left-out table owns never becomes an entry), and FilterToc drops whole kinds of entries
// (sections, privileges, comments) from the built TOC.
#ifndef LIBDUMP_SRC_DUMP_SELECTION_H_
#define LIBDUMP_SRC_DUMP_SELECTION_H_

#include <set>
#include <string>
#include <unordered_set>

#include "catalog/model.h"
#include "dump/toc_builder.h"
#include "libdump/dump.h"
#include "libdump/status.h"
#include "pg/pg.h"

namespace libdump::dump {

class Selection {
 public:
  // Everything (no -n, no -t): objects outside schemas come along.
  bool include_everything() const { return !schemas_given_ && !tables_given_; }
  // Whether the objects in schema `name` are dumped (pg_dump's dump_contains of the schema);
  // also whether its CREATE SCHEMA is.
  bool SchemaDumped(const std::string& name) const;
  // Whether relation `oid` in schema `schema` is dumped (its definition and what it owns).
  bool RelationDumped(catalog::Oid oid, const std::string& schema) const;
  bool DataExcluded(catalog::Oid oid) const { return data_excluded_.count(oid) != 0; }
  // Whether extension `oid` is dumped (-e, --exclude-extension; without -e, as everything
  // outside schemas).
  bool ExtensionDumped(catalog::Oid oid) const;
  // Whether the rows of configuration tables of extension `oid` may be dumped: not when -e
  // leaves it out or --exclude-extension names it (pg_dump's processExtensionTables).
  bool ExtensionDataAllowed(catalog::Oid oid) const;

  // The selection -n (`schemas`, none: every schema) and -N (`excluded`) give once resolved to
  // names, as ResolveSelection makes it; for the pure steps' tests.
  static Selection OfSchemas(std::set<std::string> schemas, std::set<std::string> excluded);

 private:
  friend Result<Selection> ResolveSelection(pg::PgConn& conn, const DumpOptions& options);
  bool schemas_given_ = false, tables_given_ = false, extensions_given_ = false;
  std::unordered_set<catalog::Oid> extensions_, excluded_extensions_;
  std::set<std::string> schemas_, excluded_schemas_;
  std::unordered_set<catalog::Oid> tables_, excluded_tables_, data_excluded_;
};

// Matches the patterns of `options` on the server (a few queries in all). Errors, with pg_dump's
// messages: a pattern with too many dotted names or naming another database: kInvalidArgument;
// an include option that matched nothing (with strict_names, any include pattern that matched
// nothing): kNotFound; a pattern the server cannot compile as a regex: kServerError.
// Runs RESET search_path for unqualified table patterns (visibility) and sets it back to ''.
Result<Selection> ResolveSelection(pg::PgConn& conn, const DumpOptions& options);

// LOCK TABLE ... IN ACCESS SHARE MODE on every user table the selection dumps, in one statement.
// With a `lock_wait_timeout`, each table is locked by a statement of its own under that
// lock_timeout, so that a lock not granted in time fails naming its table. lock_timeout stays set:
// reading the catalog may still wait for a lock (pg_table_size of a table the dump leaves out), and
// the caller resets it once the catalog is read, so that --lock-wait-timeout never waits without
// bound.
Status LockSelectedTables(pg::PgConn& conn, const Selection& selection,
                          const std::string& lock_wait_timeout);

// Removes from `catalog` what the selection and options leave out.
void PruneCatalog(const Selection& selection, const DumpOptions& options,
                  catalog::Catalog* catalog);

// Removes entries by kind and section (content, sections, privileges, comments, security labels,
// excluded table data), with the dependencies on them and their data jobs. Also applies the kind
// registry's schema and whole-database rules (kinds::Prune) to every entry once more, so that an
// entry made from a catalog list PruneCatalog does not know still follows -n/-N and -t.
void FilterToc(const Selection& selection, const DumpOptions& options,
               const catalog::Catalog& catalog, BuiltToc* toc);

}  // namespace libdump::dump

#endif  // LIBDUMP_SRC_DUMP_SELECTION_H_
