// Pure functions from catalog objects to SQL text. No I/O, no server: every name the server
// deparsed (types, expressions, index and constraint definitions) arrives already qualified
// because the dump reads the catalog with an empty search_path.
#ifndef LIBDUMP_SRC_DDL_DDL_H_
#define LIBDUMP_SRC_DDL_DDL_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/model.h"

namespace libdump::ddl {

std::string CreateSchema(const catalog::Schema& s);
std::string CreateEnum(const catalog::EnumType& e);
std::string CreateDomain(const catalog::DomainType& d);
std::string CreateComposite(const catalog::CompositeType& c);

// CREATE TABLE with columns in attnum order, defaults, collations, NOT NULL, identity columns
// (`identity_seqs` maps an identity column's attnum to its sequence), and the validated local
// CHECK constraints inline. Dropped columns are left out.
// `inherits` (SQL, e.g. `"s"."p"`) makes it `CREATE TABLE ... (local columns) INHERITS (...)`,
// pg_dump's form for an inheritance child whose columns are in the order the server gives them;
// without it every column is listed (the form for partitions, attached afterwards, and for
// children whose column order only ALTER TABLE ... INHERIT keeps). `all_checks` lists inherited
// CHECK constraints too (needed before ATTACH PARTITION / INHERIT). A foreign table (kind 'f')
// is CREATE FOREIGN TABLE with column OPTIONS and SERVER ... OPTIONS; a typed table is
// CREATE TABLE ... OF type with only its columns' defaults and NOT NULL, as WITH OPTIONS.
// `parents_generated` names the generated columns of the parents in the INHERITS form: a child's
// own (local) column of that name inherits the generation expression, which it may not repeat.
std::string CreateTable(const catalog::Table& t,
                        const std::map<int, const catalog::Sequence*>& identity_seqs,
                        const std::string& inherits = "", bool all_checks = false,
                        const std::vector<std::string>& parents_generated = {});
std::string CreateView(const catalog::Table& v);
std::string CreateMaterializedView(const catalog::Table& v);  // WITH NO DATA
// The parts of a table definition CREATE TABLE cannot say: per-column statistics targets,
// storage, compression and options; row security; REPLICA IDENTITY FULL/NOTHING.
std::string TableProperties(const catalog::Table& t);
std::string CreatePolicy(const catalog::Table& t, const catalog::Policy& p);
std::string CreateSequence(const catalog::Sequence& s);
std::string SequenceOwnedBy(const catalog::Sequence& s, const catalog::Table& t,
                            std::string_view column);
std::string SequenceSet(const catalog::Sequence& s);
std::string CreateIndex(const catalog::Index& i);  // in its tablespace, as InTablespace
// ALTER INDEX ... ALTER COLUMN n SET STATISTICS for the index's columns with a target of their
// own; "" when none has.
std::string IndexStatistics(const std::string& schema, const catalog::Index& i);
// `sql` run with default_table_access_method set to `access_method` and set back to heap, the
// restore session's setting (pg_dump's way of keeping a table's access method); `sql` unchanged
// for "" and "heap".
std::string InAccessMethod(const std::string& access_method, std::string sql);
// ALTER DOMAIN ... ADD CONSTRAINT for a domain's CHECK constraint that is not part of its CREATE
// DOMAIN (one NOT VALID, or one a dependency loop moves out).
std::string AddDomainConstraint(const catalog::DomainType& d, const catalog::DomainConstraint& c);
// `sql` run with default_tablespace set to `tablespace` and reset afterwards (pg_dump's way of
// placing tables, indexes and materialized views); `sql` unchanged when `tablespace` is "".
std::string InTablespace(const std::string& tablespace, std::string sql);
// CREATE TYPE name (INPUT = ..., ...): the full definition of a base type, whose shell
// (CREATE TYPE name;) and I/O functions must exist first.
std::string CreateBaseType(const catalog::BaseType& b);
std::string AddConstraint(const catalog::Table& t, const catalog::Constraint& c);
// "ALTER TABLE ONLY " or, where the constraint must reach the children, "ALTER TABLE ": the
// start of the statements adding and dropping constraint `c` of `t`.
std::string AlterTableFor(const catalog::Table& t, const catalog::Constraint& c);
// The two halves of AddConstraint for a primary key or unique constraint that is attachable: its
// index created as a plain unique index (with its storage parameters, in its tablespace), then
// made the constraint. CreateConstraintIndex gives "" for a definition it does not know.
std::string CreateConstraintIndex(const catalog::Table& t, const catalog::Constraint& c);
std::string AttachConstraintIndex(const catalog::Table& t, const catalog::Constraint& c);

// "COMMENT ON <target> IS '<text>';" with target like `TABLE "s"."t"`.
std::string Comment(std::string_view target, std::string_view text);
// "SECURITY LABEL FOR <provider> ON <target> IS '<label>';", target as for Comment.
std::string SecurityLabel(std::string_view provider, std::string_view target,
                          std::string_view label);

// The COPY statements of a table: which columns are copied (generated columns are not).
std::string CopyColumnList(const catalog::Table& t);  // `("a", "b")` or "" for no columns
// Whether a column is of type char(n): bpchar with a length, not plain bpchar (whose values
// keep their trailing spaces), an array or a domain.
bool IsFixedChar(const catalog::Column& col);
// The 0-based positions, in CopyColumnList, of the columns that are char(n) and that the
// table's own CREATE TABLE declares: none for a typed table, and not the inherited columns of an
// inheritance child (a target database may already hold its type or parent, with other types).
std::vector<uint32_t> FixedCharPositions(const catalog::Table& t);
std::string CopyOutSql(const catalog::Table& t);
// COPY of the rows in heap pages [first_page, end_page) only; end_page 0 means no upper bound.
std::string CopyOutPagesSql(const catalog::Table& t, uint64_t first_page, uint64_t end_page);
std::string CopyInSql(const catalog::Table& t);

// Options from reloptions text ("k=v" lines) to "k='v', ..." for WITH ( ... ).
std::string FormatRelOptions(std::string_view reloptions);

}  // namespace libdump::ddl

#endif  // LIBDUMP_SRC_DDL_DDL_H_
