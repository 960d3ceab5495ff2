// Catalog model of the remaining object kinds: range/multirange/base/shell types, operators,
// operator classes and families, access methods, collations, conversions, text search objects,
// foreign-data wrappers, servers and user mappings, publications, subscriptions, extended
// statistics, default privileges, large objects. Read by reader_misc.cc.
//
// Text fields marked "as SQL" arrive from the server ready to paste into a statement (quoted,
// qualified where the name is not in pg_catalog), because the dump reads the catalog with an empty
// search_path and lets regproc/regoperator/format_type/quote_ident do the work.
#ifndef LIBDUMP_SRC_CATALOG_MODEL_MISC_H_
#define LIBDUMP_SRC_CATALOG_MODEL_MISC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace libdump::catalog {

using Oid = uint32_t;  // the same alias model.h declares

struct Collation {
  Oid oid = 0;
  std::string schema, name, owner;
  char provider = 'c';  // collprovider: c libc, i icu, b builtin (17+)
  bool deterministic = true;
  std::optional<std::string> collate, ctype;  // libc locales (NULL for ICU from 15 on)
  std::optional<std::string> locale;          // ICU or builtin locale
  std::optional<std::string> icu_rules;       // ICU tailoring rules (16+)
  std::optional<std::string> comment;
};

struct RangeType {
  Oid oid = 0, array_oid = 0, multirange_oid = 0, multirange_array_oid = 0;
  std::string schema, name, owner;
  std::string subtype;                      // format_type of the subtype
  std::string multirange_name;              // qualified, as SQL
  std::optional<std::string> opclass;       // as SQL, only when not the subtype's default
  std::optional<std::string> collation;     // as SQL, only when not the subtype's default
  std::optional<std::string> canonical;     // regproc, as SQL
  std::optional<std::string> subtype_diff;  // regproc, as SQL
  std::optional<std::string> acl;           // typacl
  std::optional<std::string> comment;
};

// A type that has a name and nothing else (CREATE TYPE name;).
struct ShellType {
  Oid oid = 0;
  std::string schema, name, owner;
  std::optional<std::string> comment;
};

struct TsParser {
  Oid oid = 0;
  std::string schema, name;
  std::string start, gettoken, end, lextypes;  // regproc, as SQL
  std::optional<std::string> headline;
  std::optional<std::string> comment;
};

struct TsTemplate {
  Oid oid = 0;
  std::string schema, name;
  std::optional<std::string> init;  // regproc, as SQL
  std::string lexize;
  std::optional<std::string> comment;
};

struct TsDictionary {
  Oid oid = 0;
  std::string schema, name, owner;
  std::string template_name;           // qualified, as SQL
  std::optional<std::string> options;  // dictinitoption: "k = 'v', ..."
  std::optional<std::string> comment;
};

struct TsMapping {
  std::string token;                      // token type alias, as SQL (quote_ident)
  std::vector<std::string> dictionaries;  // regdictionary, as SQL, in mapseqno order
};

struct TsConfig {
  Oid oid = 0;
  std::string schema, name, owner;
  std::string parser;               // qualified, as SQL
  std::vector<TsMapping> mappings;  // in token type order
  std::optional<std::string> comment;
};

struct ExtStatistics {
  Oid oid = 0;
  std::string schema, name, owner;
  std::string definition;  // pg_get_statisticsobjdef
  int stat_target = -1;    // stxstattarget; -1 = default
  std::optional<std::string> comment;
  Oid table_oid = 0;  // stxrelid: dumped only with this table
};

struct DefaultAcl {
  Oid oid = 0;
  std::string role;
  std::string schema;      // empty: for the whole database
  char object_type = 'r';  // defaclobjtype: r tables, S sequences, f functions, T types, n schemas
  std::string acl;         // defaclacl
};

struct ForeignDataWrapper {
  Oid oid = 0;
  std::string name, owner;
  std::optional<std::string> handler, validator;  // regproc, as SQL
  std::optional<std::string> options;             // "k 'v', ..." as SQL
  std::optional<std::string> acl;
  std::optional<std::string> comment;
};

struct ForeignServer {
  Oid oid = 0;
  std::string name, owner, wrapper;
  Oid wrapper_oid = 0;
  std::optional<std::string> type, version;
  std::optional<std::string> options;  // as SQL
  std::optional<std::string> acl;
  std::optional<std::string> comment;
};

struct UserMapping {
  Oid oid = 0;
  std::string user;  // role name, "public" for PUBLIC
  bool is_public = false;
  std::string server;
  Oid server_oid = 0;
  std::optional<std::string> options;  // as SQL
};

struct PublicationTable {
  Oid oid = 0;  // pg_publication_rel
  Oid table_oid = 0;
  std::string schema, name;
  std::optional<std::string> columns;  // "a, b" as SQL
  std::optional<std::string> where;    // pg_get_expr of the row filter
};

struct PublicationSchema {
  Oid oid = 0;  // pg_publication_namespace
  Oid schema_oid = 0;
  std::string schema;
};

struct Publication {
  Oid oid = 0;
  std::string name, owner;
  bool all_tables = false;
  bool insert = true, update = true, del = true, truncate = true;
  bool via_root = false;
  // 18: publish_generated_columns, 's' (stored) or 'n' (none, the default and all before 18).
  char generated_columns = 'n';
  std::vector<PublicationTable> tables;
  std::vector<PublicationSchema> schemas;
  std::optional<std::string> comment;
};

struct Subscription {
  Oid oid = 0;
  std::string name, owner;
  std::string conninfo;
  std::optional<std::string> slot_name;
  std::string publications;  // "p1, p2" as SQL
  bool binary = false;
  char streaming = 'f';  // f off, t on, p parallel
  char two_phase = 'd';  // subtwophasestate: d disabled
  bool disable_on_error = false;
  std::string synchronous_commit = "off";
  std::string origin = "any";     // 16+
  bool password_required = true;  // 16+
  bool run_as_owner = false;      // 16+; true before 16, where it was the only behaviour
  bool failover = false;          // 17+
  std::optional<std::string> comment;
};

struct Operator {
  Oid oid = 0;
  std::string schema, name, owner;
  std::optional<std::string> left, right;  // format_type; absent for a prefix operator's left
  std::string function;                    // regproc, as SQL
  std::optional<std::string> commutator, negator;   // OPERATOR(s.op), as SQL
  std::optional<std::string> restrict_fn, join_fn;  // regproc, as SQL
  bool merges = false, hashes = false;
  std::optional<std::string> comment;
};

struct AccessMethod {
  Oid oid = 0;
  std::string name;
  char type = 'i';      // amtype: i index, t table
  std::string handler;  // regproc, as SQL
  std::optional<std::string> comment;
};

// An operator or support function of an operator class or family (pg_amop / pg_amproc).
struct OpMember {
  Oid oid = 0;
  bool is_function = false;
  int number = 0;                          // strategy or support number
  std::string object;                      // regoperator or regprocedure, as SQL
  std::string left, right;                 // format_type of the member's types
  std::optional<std::string> sort_family;  // FOR ORDER BY, as SQL
};

struct OpFamily {
  Oid oid = 0;
  std::string schema, name, owner, method;
  std::vector<OpMember> members;  // loose members (not any class's)
  std::optional<std::string> comment;
};

struct OpClass {
  Oid oid = 0;
  std::string schema, name, owner, method;
  std::string type;    // format_type of opcintype
  std::string family;  // qualified, as SQL
  bool is_default = false;
  std::optional<std::string> storage;  // format_type of opckeytype
  std::vector<OpMember> members;
  std::optional<std::string> comment;
};

struct Conversion {
  Oid oid = 0;
  std::string schema, name, owner;
  std::string from_encoding, to_encoding;
  std::string function;  // regproc, as SQL
  bool is_default = false;
  std::optional<std::string> comment;
};

// Large objects are kept as groups of OIDs: a database may hold millions of them, and the dump's
// memory must not grow by a struct (with its strings) per object. Their contents are never in
// the catalog; a dump worker streams them (toc_misc.cc).
struct LargeObjectGroup {
  std::string owner;
  std::vector<Oid> oids;  // increasing, at most kLargeObjectGroupSize
};

// A large object with something besides an owner: privileges, a comment or a security label.
// Only these are listed one by one (with the group they are in).
struct LargeObject {
  Oid oid = 0;
  std::optional<std::string> acl;
  std::optional<std::string> comment;
};

// Large objects per BLOB METADATA entry and per BLOBS data entry, as pg_dump groups them: few
// enough that one group's statements stay small, many enough that a million objects make a
// thousand entries, not a million.
inline constexpr size_t kLargeObjectGroupSize = 1000;

// The planner's statistics of one table, index or materialized view (pg_dump 18 --statistics),
// as the server prints them (text), so that they are restored exactly. Read by reader_stats.cc
// after the TOC is built, only for the relations whose STATISTICS DATA entries are dumped.
struct RelationStats {
  std::string relpages, reltuples, relallvisible;
  std::optional<std::string> relallfrozen;  // 18+
};

// One row of pg_stats: a column's statistics (of a table, or of an index's expression), with
// the values a restore passes to pg_restore_attribute_stats(). NULL fields are left out.
struct AttributeStats {
  std::string attname;
  // For an index: the column's position in it, by which a restore addresses it (an expression
  // column's name is made up by the server and may differ on the target). 0 for a table.
  int index_attnum = 0;
  std::optional<std::string> inherited, null_frac, avg_width, n_distinct, most_common_vals,
      most_common_freqs, histogram_bounds, correlation, most_common_elems, most_common_elem_freqs,
      elem_count_histogram;
  std::optional<std::string> range_length_histogram, range_empty_frac,
      range_bounds_histogram;  // 17+
};

struct MiscObjects {
  std::vector<Collation> collations;
  std::vector<RangeType> ranges;
  std::vector<ShellType> shells;
  std::vector<TsParser> ts_parsers;
  std::vector<TsTemplate> ts_templates;
  std::vector<TsDictionary> ts_dictionaries;
  std::vector<TsConfig> ts_configs;
  std::vector<ExtStatistics> statistics;
  std::vector<DefaultAcl> default_acls;
  std::vector<ForeignDataWrapper> wrappers;
  std::vector<ForeignServer> servers;
  std::vector<UserMapping> user_mappings;
  std::vector<Publication> publications;
  std::vector<Subscription> subscriptions;
  std::vector<Operator> operators;
  std::vector<AccessMethod> access_methods;
  std::vector<OpFamily> op_families;
  std::vector<OpClass> op_classes;
  std::vector<Conversion> conversions;
  std::vector<LargeObjectGroup> large_object_groups;  // in order of their first OID
  std::vector<LargeObject> large_objects;             // the decorated ones only, by OID
};

}  // namespace libdump::catalog

#endif  // LIBDUMP_SRC_CATALOG_MODEL_MISC_H_
