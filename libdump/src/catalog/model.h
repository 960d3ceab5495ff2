// The catalog model: what the dump reads from the server's catalogs, one struct per object kind.
// Filled by catalog/reader.cc, turned into SQL by ddl/, into TOC entries by dump/.
#ifndef LIBDUMP_SRC_CATALOG_MODEL_H_
#define LIBDUMP_SRC_CATALOG_MODEL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/model_code.h"
#include "catalog/model_misc.h"

namespace libdump::catalog {

using Oid = uint32_t;

// An optional string in the space of one pointer, for fields that most objects of a kind leave
// unset: std::optional<std::string> takes 40 bytes even when empty, and a catalog of 10,000
// tables holds some 50,000 columns with six such fields each (12 MB of the dump's peak memory,
// when it was the largest single part of it). Reads like std::optional<std::string> (test,
// dereference, reset, assign a string or an optional) and converts to one where a function
// takes that: its constructors and that conversion are implicit on purpose.
class OptionalText {
 public:
  OptionalText() = default;
  OptionalText(std::nullopt_t) {}
  OptionalText(std::string value) : value_(std::make_unique<std::string>(std::move(value))) {}
  OptionalText(const char* value) : OptionalText(std::string(value)) {}
  OptionalText(std::optional<std::string> value) {
    if (value) value_ = std::make_unique<std::string>(std::move(*value));
  }
  OptionalText(const OptionalText& other) { *this = other; }
  OptionalText(OptionalText&&) noexcept = default;
  OptionalText& operator=(const OptionalText& other) {
    if (this != &other) {
      value_ = other.value_ ? std::make_unique<std::string>(*other.value_) : nullptr;
    }
    return *this;
  }
  OptionalText& operator=(OptionalText&&) noexcept = default;

  bool has_value() const { return value_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  const std::string& operator*() const { return *value_; }
  const std::string* operator->() const { return value_.get(); }
  void reset() { value_.reset(); }
  operator std::optional<std::string>() const {
    return value_ ? std::optional<std::string>(*value_) : std::nullopt;
  }

 private:
  std::unique_ptr<std::string> value_;
};

// Identifies a catalog object across catalogs: (pg_class OID of its catalog, its OID).
struct CatalogId {
  Oid classid = 0;
  Oid oid = 0;
  auto operator<=>(const CatalogId&) const = default;
};

struct Schema {
  Oid oid = 0;
  std::string name;
  std::string owner;
  std::optional<std::string> comment;
  std::optional<std::string> acl;  // nspacl; absent = default privileges
};

struct EnumType {
  Oid oid = 0;
  Oid array_oid = 0;               // typarray
  std::optional<std::string> acl;  // typacl
  std::string schema, name, owner;
  std::vector<std::string> labels;  // in enumsortorder
  std::optional<std::string> comment;
};

struct DomainConstraint {
  Oid oid = 0;
  std::string name;
  std::string definition;  // pg_get_constraintdef: "CHECK (...)" [NOT VALID]
  std::optional<std::string> comment;
  bool validated = true;  // convalidated: false for a NOT VALID check (added after the data)
};

struct DomainType {
  Oid oid = 0;
  Oid array_oid = 0;               // typarray
  std::optional<std::string> acl;  // typacl
  std::string schema, name, owner;
  std::string base_type;                 // format_type of the base type with typmod
  std::optional<std::string> collation;  // qualified, only when it differs from the base type's
  std::optional<std::string> default_expr;
  bool not_null = false;
  std::vector<DomainConstraint> constraints;
  std::optional<std::string> comment;
};

struct CompositeAttribute {
  std::string name;
  std::string type;  // format_type
  std::optional<std::string> collation;
  bool dropped = false;
};

struct CompositeType {
  Oid oid = 0;
  Oid array_oid = 0;               // typarray
  std::optional<std::string> acl;  // typacl
  Oid relid = 0;                   // its pg_class entry
  std::string schema, name, owner;
  std::vector<CompositeAttribute> attributes;
  std::optional<std::string> comment;
  std::map<int, std::string> column_comments;  // attnum -> comment
};

// A base type with I/O functions (typtype 'b', CREATE TYPE name (INPUT = ..., ...)). Function
// names are regproc text, qualified as needed; empty when not set.
struct BaseType {
  Oid oid = 0;
  Oid array_oid = 0;
  std::optional<std::string> acl;
  std::string schema, name, owner;
  std::vector<Oid> functions;  // its I/O, typmod and analyze functions (pg_proc OIDs)
  std::string input, output, receive, send, typmod_in, typmod_out, analyze, subscript;
  int length = -1;  // typlen: -1 variable
  bool by_value = false;
  char align = 'i', storage = 'p', category = 'U', delimiter = ',';
  bool preferred = false, collatable = false;
  std::string element;  // typelem as SQL, "" when none
  std::optional<std::string> default_value;
  std::optional<std::string> comment;
};

// Fields ordered to leave no padding (on 10,000 tables there are some 50,000 columns).
struct Column {
  int attnum = 0;
  int stat_target = -1;  // attstattarget; -1 = default
  std::string name;
  std::string type;  // format_type(atttypid, atttypmod)
  Oid type_oid = 0;
  bool not_null = false;
  bool dropped = false;
  bool local = true;        // attislocal: false for purely inherited columns
  char identity = '\0';     // 'a' ALWAYS, 'd' BY DEFAULT, '\0' none
  char generated = '\0';    // 's' stored, 'v' virtual (18+) generated column
  char storage = '\0';      // attstorage when it differs from the type's
  char compression = '\0';  // attcompression: 'p' pglz, 'l' lz4, '\0' default
  OptionalText default_expr;
  OptionalText collation;  // qualified, only when it differs from the type's
  OptionalText comment;
  OptionalText acl;          // attacl: column privileges
  OptionalText options;      // attoptions, "k=v" lines
  OptionalText fdw_options;  // attfdwoptions of a foreign table's column, as SQL
  // PostgreSQL 18+: the column's NOT NULL constraint (pg_constraint, contype 'n'), if any.
  // Before 18 only `not_null` is set and these keep their defaults.
  OptionalText notnull_name;         // its name; unset on servers before 18
  bool notnull_default_name = true;  // the name is the server's default, <table>_<column>_not_null
  bool notnull_valid = true;         // convalidated: false for NOT VALID
  bool notnull_noinherit = false;    // connoinherit: NO INHERIT
  bool notnull_local = true;         // conislocal: false when only inherited
  OptionalText notnull_comment;      // a comment on the constraint
};

struct Sequence;

struct Constraint {
  Oid oid = 0;
  std::string name;
  char type = 'c';         // p, u, c, f, x; n (18+) only for a NOT VALID NOT NULL
  std::string definition;  // pg_get_constraintdef
  bool validated = true;
  Oid index_oid = 0;  // conindid
  Oid ref_table = 0;  // confrelid for foreign keys
  bool local = true;  // conislocal
  Oid parent = 0;     // conparentid: the partitioned table's constraint this one clones
  OptionalText comment;
  std::string index_name;        // for p/u/x: the index the constraint owns
  std::string index_tablespace;  // that index's tablespace; "" for the default
  OptionalText index_comment;    // a comment on that index
  // For p/u: that index's storage parameters, "fillfactor=70\n..." (pg_get_constraintdef leaves
  // them out; pg_dump writes them as WITH (...)).
  OptionalText index_reloptions;
  // For a primary key or unique constraint: whether a restore may build its index on its own
  // (CREATE UNIQUE INDEX, then ADD CONSTRAINT ... USING INDEX) and get the same constraint and
  // index. False where the server would refuse that form or build something else: on a
  // partitioned table or a partition, for a deferrable constraint, an index with INCLUDE columns
  // or NULLS NOT DISTINCT, or an index whose name is not the constraint's.
  bool attachable = false;
};

struct Index {
  Oid oid = 0;
  std::string name;
  std::string definition;  // pg_get_indexdef
  std::string tablespace;  // "" for the database's default
  OptionalText comment;
  // (column number, target) of the index's columns with a statistics target of their own
  // (ALTER INDEX ... ALTER COLUMN n SET STATISTICS: expression columns only).
  std::vector<std::pair<int, int>> stat_targets;
};

// A partition's index attached to its partitioned table's index (pg_inherits on indexes).
struct IndexAttachment {
  Oid index = 0, parent = 0;
  std::string schema, name;                // the partition's index
  std::string parent_schema, parent_name;  // the partitioned index
};

struct Policy {
  Oid oid = 0;
  std::string name;
  char command = '*';  // polcmd: r, a, w, d, *
  bool permissive = true;
  std::string roles;  // "r1, r2" as SQL, or "PUBLIC"
  std::optional<std::string> using_expr, check_expr;
  std::optional<std::string> comment;
};

struct Table {
  Oid oid = 0;
  Oid row_type = 0;  // reltype
  OptionalText acl;  // relacl
  std::string schema, name, owner;
  char kind = 'r';         // relkind: r table, p partitioned, v, m, f foreign
  char persistence = 'p';  // relpersistence
  // "fillfactor=70\ntoast.autovacuum_enabled=false..." inside WITH ( ): the TOAST table's
  // parameters with their "toast." prefix.
  OptionalText reloptions;
  std::string access_method;    // relam's name for tables and materialized views, else ""
  std::vector<Column> columns;  // attnum order, dropped ones included
  std::vector<Constraint> constraints;
  std::vector<Index> indexes;
  std::string view_definition;  // for views and materialized views
  bool populated = true;        // relispopulated (materialized views)
  bool is_partition = false;
  std::string partition_bound;  // pg_get_expr(relpartbound): "FOR VALUES ..." / "DEFAULT"
  std::string partition_key;    // pg_get_partkeydef for partitioned tables: "RANGE (id)"
  std::vector<Oid> parents;     // pg_inherits parents in inhseqno order
  bool row_security = false, force_row_security = false;
  char replica_identity = 'd';  // relreplident
  std::string replica_index;    // index name for REPLICA IDENTITY USING INDEX
  std::string cluster_index;    // index name for CLUSTER ON
  std::vector<Policy> policies;
  std::string of_type;           // typed table (CREATE TABLE ... OF): the type as SQL, else ""
  std::string tablespace;        // reltablespace's name; "" for the database's default
  std::string foreign_server;    // foreign tables: the server's name
  OptionalText foreign_options;  // foreign tables: ftoptions as SQL
  uint64_t size_bytes = 0;       // heap + TOAST, from relpages (see ReadRelations), for scheduling
  uint64_t heap_pages = 0;       // the main fork's pages, from relpages (see ReadRelations)
  OptionalText comment;
};

struct Sequence {
  Oid oid = 0;
  std::optional<std::string> acl;  // relacl
  std::string schema, name, owner;
  std::string type;  // "integer", "bigint", "smallint"
  int64_t start = 1, increment = 1, min = 1, max = 0, cache = 1;
  bool cycle = false;
  Oid owned_by_table = 0;  // OWNED BY table (serial), 0 if none
  int owned_by_column = 0;
  bool identity = false;   // an identity column's sequence (created with the table)
  char persistence = 'p';  // relpersistence: 'u' for an UNLOGGED sequence
  int64_t last_value = 0;
  bool is_called = false;
  std::optional<std::string> comment;
};

// One pg_depend row between two user objects (OID >= 16384), deptype 'n' or 'a'. Column
// defaults are reported as their table, a view's _RETURN rule as its view.
struct DependEdge {
  Oid classid = 0, objid = 0;
  Oid refclassid = 0, refobjid = 0;
  char type = 'n';
};

// The dumped database itself (pg_database), for its DATABASE and DATABASE PROPERTIES entries.
struct Database {
  Oid oid = 0;
  std::string name, owner, encoding;
  std::string collate, ctype;
  char locale_provider = 'c';  // datlocprovider (15+): 'c' libc, 'i' ICU, 'b' builtin (17+)
  std::string locale;          // daticulocale (15, 16) or datlocale (17+); empty when unset
  std::string icu_rules;       // daticurules (16+); empty when unset
  std::string tablespace;      // empty for pg_default
  bool is_template = false;
  int64_t connection_limit = -1;
  std::optional<std::string> acl;  // datacl; absent = default privileges
  std::optional<std::string> comment;
  std::vector<std::string> settings;  // pg_db_role_setting for every role: "name=value"
  // pg_db_role_setting for one role in this database: (role, "name=value").
  std::vector<std::pair<std::string, std::string>> role_settings;
  // pg_shseclabel on this database: (provider, label), by provider.
  std::vector<std::pair<std::string, std::string>> security_labels;
};

// A security label (pg_seclabel) on a user object; `subid` > 0 (with `column`) labels a column.
// Of the labels on shared objects (pg_shseclabel), those on this database's subscriptions are
// read here, those on the database itself in Database::security_labels (restored with --create);
// pg_dump leaves roles and tablespaces to pg_dumpall.
struct SecurityLabel {
  Oid classid = 0, objid = 0;
  int subid = 0;
  std::string provider, label;
  std::string column;  // attname when subid > 0
};

struct Catalog {
  int server_version = 0;
  bool tid_range_scans = false;  // PostgreSQL 14+: ctid ranges are scanned, not filtered
  std::string server_version_string;
  std::string encoding;
  std::vector<Schema> schemas;
  std::vector<EnumType> enums;
  std::vector<DomainType> domains;
  std::vector<CompositeType> composites;
  std::vector<BaseType> base_types;
  std::vector<Table> tables;  // tables and views
  std::vector<Sequence> sequences;
  std::vector<DependEdge> depends;
  std::vector<IndexAttachment> index_attachments;
  std::vector<SecurityLabel> security_labels;
  // Tables a selection (-t, -T, -n...) leaves out whose partitions or inheritance children are
  // dumped: not dumped themselves, only named by those children's INHERITS and ATTACH
  // PARTITION, as pg_dump does (the restore needs them to exist already).
  std::vector<Table> outside_parents;
  CodeObjects code;                  // model_code.h
  MiscObjects misc;                  // model_misc.h
  std::optional<Database> database;  // absent only if the catalog was read without it
};

}  // namespace libdump::catalog

#endif  // LIBDUMP_SRC_CATALOG_MODEL_H_
