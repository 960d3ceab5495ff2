// Pure functions from the "misc" family of catalog objects (catalog/model_misc.h) to SQL text.
// Fields the model marks "as SQL" are pasted as they are; every other name is quoted here.
#ifndef LIBDUMP_SRC_DDL_DDL_MISC_H_
#define LIBDUMP_SRC_DDL_DDL_MISC_H_

#include <string>
#include <string_view>
#include <vector>

#include "catalog/model.h"
#include "libdump/status.h"

namespace libdump::ddl {

std::string CreateCollation(const catalog::Collation& c);
std::string CreateRangeType(const catalog::RangeType& t);
std::string CreateShellType(const catalog::ShellType& t);

std::string CreateTsParser(const catalog::TsParser& p);
std::string CreateTsTemplate(const catalog::TsTemplate& t);
std::string CreateTsDictionary(const catalog::TsDictionary& d);
// CREATE TEXT SEARCH CONFIGURATION with its parser, then one ADD MAPPING per token type.
std::string CreateTsConfig(const catalog::TsConfig& c);

// CREATE STATISTICS, and ALTER STATISTICS ... SET STATISTICS when the target is not the default.
std::string CreateStatistics(const catalog::ExtStatistics& s);

// The statements of a STATISTICS DATA entry, as pg_dump 18 writes them: a call of
// pg_restore_relation_stats() with the relation's page and row counts, and one of
// pg_restore_attribute_stats() per column. `source_version` is the dumped server's
// server_version_num, which tells the target how to read the values; `schema` and `relation`
// name the relation (not quoted: they are passed as text).
std::string RestoreRelationStats(int source_version, const std::string& schema,
                                 const std::string& relation, const catalog::RelationStats& s);
std::string RestoreAttributeStats(int source_version, const std::string& schema,
                                  const std::string& relation, const catalog::AttributeStats& s);

// "TABLES", "SEQUENCES", "FUNCTIONS", "TYPES", "SCHEMAS" for defaclobjtype; "" if unknown.
std::string_view DefaultAclObjects(char object_type);

std::string CreateForeignDataWrapper(const catalog::ForeignDataWrapper& w);
std::string CreateForeignServer(const catalog::ForeignServer& s);
std::string CreateUserMapping(const catalog::UserMapping& u);
// "FOR role|PUBLIC SERVER s", the part of the statement that names a user mapping.
std::string UserMappingTarget(const catalog::UserMapping& u);

// CREATE PUBLICATION with FOR ALL TABLES and WITH (...); tables and schemas are separate entries.
std::string CreatePublication(const catalog::Publication& p);
std::string PublicationAddTable(const catalog::Publication& p, const catalog::PublicationTable& t);
std::string PublicationAddSchema(const catalog::Publication& p,
                                 const catalog::PublicationSchema& s);
// CREATE SUBSCRIPTION ... WITH (connect = false, ...): restoring never contacts the publisher,
// and the subscription is left disabled, as pg_dump leaves it.
std::string CreateSubscription(const catalog::Subscription& s);

std::string CreateOperator(const catalog::Operator& o);
// `"s".op (left, right)` with NONE for a missing argument: how ALTER/COMMENT name an operator.
std::string OperatorSignature(const catalog::Operator& o);
std::string CreateAccessMethod(const catalog::AccessMethod& a);
// CREATE OPERATOR FAMILY, plus ALTER OPERATOR FAMILY ... ADD for its loose members.
std::string CreateOpFamily(const catalog::OpFamily& f);
std::string CreateOpClass(const catalog::OpClass& c);
std::string CreateConversion(const catalog::Conversion& c);

// Large objects, a group at a time (archive_format.md §7.5). The contents of a group travel as
// COPY text rows (loid, off, data): `data` is the object's bytes from offset `off`, at most
// kLargeObjectChunk of them, and an empty object has no row. A restorer loads the rows into a
// temporary table of that shape (kLargeObjectStaging) and writes each with lo_put.
inline constexpr const char* kLargeObjectStaging = "pg_temp.ndump_blobs";
inline constexpr int kLargeObjectChunk = 256 * 1024;

// `'{1,2,3}'::pg_catalog.oid[]`
std::string OidArrayLiteral(const std::vector<catalog::Oid>& oids);
// BLOB METADATA's create_sql: creates every object of the group, empty and owned by whoever runs
// it. One statement, so a million objects make a thousand statements, not a million.
std::string CreateLargeObjects(const catalog::LargeObjectGroup& g);
// Its drop_sql: unlinks those of the group's objects that exist (so also the --if-exists form).
std::string DropLargeObjects(const catalog::LargeObjectGroup& g);
// BLOBS: the COPY ... TO STDOUT a dump worker runs, and the COPY ... FROM stdin of the entry.
std::string LargeObjectsCopyOutSql(const catalog::LargeObjectGroup& g);
std::string LargeObjectsCopyInSql();

}  // namespace libdump::ddl

#endif  // LIBDUMP_SRC_DDL_DDL_MISC_H_
