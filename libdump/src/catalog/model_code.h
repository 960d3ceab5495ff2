// Catalog model of code-like objects: functions, procedures, aggregates, procedural languages,
// extensions, triggers, event triggers, rules, casts, transforms. Read by reader_code.cc, turned
// into SQL by ddl/ddl_code.cc and into TOC entries by dump/toc_code.cc.
#ifndef LIBDUMP_SRC_CATALOG_MODEL_CODE_H_
#define LIBDUMP_SRC_CATALOG_MODEL_CODE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace libdump::catalog {

// A function, procedure or window function (pg_proc, prokind 'f', 'p' or 'w').
struct Function {
  uint32_t oid = 0;
  std::string schema, name, owner;
  char kind = 'f';                 // prokind
  std::string identity_args;       // pg_get_function_identity_arguments
  std::string definition;          // pg_get_functiondef: CREATE OR REPLACE ... with every option
  std::optional<std::string> acl;  // proacl
  std::optional<std::string> comment;
};

// An aggregate (pg_proc prokind 'a' with its pg_aggregate row). Function and operator names are
// already qualified as SQL wants them; empty strings mean "not set".
struct Aggregate {
  uint32_t oid = 0;
  std::string schema, name, owner;
  char agg_kind = 'n';          // aggkind: n normal, o ordered-set, h hypothetical-set
  std::string arguments;        // pg_get_function_arguments, with ORDER BY for ordered-set
  std::string identity_args;    // pg_get_function_identity_arguments
  std::string grant_signature;  // argument types only, as GRANT ON FUNCTION wants them
  std::string transfn, finalfn, combinefn, serialfn, deserialfn;
  std::string mtransfn, minvtransfn, mfinalfn;
  bool finalextra = false, mfinalextra = false;
  char finalmodify = 'r', mfinalmodify = 'r';
  std::string sortop;  // OPERATOR(schema.op)
  std::string transtype, mtranstype;
  int64_t transspace = 0, mtransspace = 0;
  std::optional<std::string> initval, minitval;
  char parallel = 'u';  // proparallel
  std::optional<std::string> acl;
  std::optional<std::string> comment;
};

// A procedural language created with CREATE LANGUAGE (not by an extension, not built in).
struct Language {
  uint32_t oid = 0;
  std::string name, owner;
  bool trusted = false;
  // Qualified function names, empty if none. An empty handler makes the definition
  // CREATE OR REPLACE PROCEDURAL LANGUAGE name, without them: pg_dump's form when a selection
  // leaves out one of the language's functions.
  std::string handler, inline_handler, validator;
  std::optional<std::string> acl;  // lanacl
  std::optional<std::string> comment;
  std::vector<uint32_t> functions;  // OIDs of handler, inline handler, validator (0: none)
};

// An extension; its member objects are created by CREATE EXTENSION, never dumped one by one.
struct Extension {
  uint32_t oid = 0;
  std::string name, schema;
  std::optional<std::string> comment;
};

// A member of an extension, from pg_depend rows of deptype 'e' (and the array types of member
// types, which belong to it as well).
struct ExtensionMember {
  uint32_t classid = 0, objid = 0;
  uint32_t extension = 0;
};

// An object the dump does not create whose privileges differ from its initial ones: a member of
// an extension (against what its extension script gave it, pg_init_privs) or an object of
// pg_catalog (against initdb's, or the kind's default). The dump restores the difference, after
// CREATE EXTENSION for a member.
struct ExtensionMemberAcl {
  uint32_t extension = 0;  // 0 for an object of pg_catalog
  std::string kind;        // as GRANT spells it: FUNCTION, PROCEDURE, TABLE, SEQUENCE, TYPE, ...
  std::string object;      // its SQL name, with argument types for functions
  std::string schema, tag, owner;
  std::string acl;       // aclitem[] text
  std::string base_acl;  // the initial privileges, aclitem[] text
  std::string column;    // for column privileges, the column; else empty
};

// The rows of an extension configuration table (pg_extension.extconfig) that the dump must carry:
// those matching the extension's filter condition.
struct ExtensionConfigTable {
  uint32_t oid = 0;
  uint32_t extension = 0;
  std::string schema, name, owner;
  std::string condition;    // extcondition: "WHERE ..." or empty
  std::string column_list;  // `"a", "b"`: the columns COPY carries (not dropped, not generated)
  uint64_t size_bytes = 0;  // pg_table_size, for scheduling
};

// A sequence an extension registered as configuration: its current value is data.
struct ExtensionConfigSequence {
  uint32_t oid = 0;
  uint32_t extension = 0;
  std::string schema, name, owner;
  int64_t last_value = 0;
  bool is_called = false;
};

struct Trigger {
  uint32_t oid = 0;
  uint32_t table_oid = 0;
  std::string table_schema, table_name, table_owner;
  char table_kind = 'r';
  std::string name;
  std::string definition;  // pg_get_triggerdef
  char enabled = 'O';      // tgenabled: O origin, D disabled, R replica, A always
  // A partition's clone of its parent's trigger (tgparentid), dumped only for its enabled state.
  bool clone = false;
  uint32_t parent_oid = 0;
  std::optional<std::string> comment;
};

struct EventTrigger {
  uint32_t oid = 0;
  std::string name, owner;
  std::string event;              // evtevent
  std::vector<std::string> tags;  // evttags; empty for every tag
  std::string function;           // qualified function name
  char enabled = 'O';             // evtenabled
  std::optional<std::string> comment;
};

// A rewrite rule other than a view's _RETURN rule.
struct Rule {
  uint32_t oid = 0;
  uint32_t table_oid = 0;
  std::string table_schema, table_name, table_owner;
  char table_kind = 'r';
  std::string name;
  std::string definition;  // pg_get_ruledef, ending in ';'
  char enabled = 'O';      // ev_enabled
  std::optional<std::string> comment;
};

struct Cast {
  uint32_t oid = 0;
  std::string source, target;  // format_type
  std::string function;        // regprocedure text of the cast function, empty if none
  char method = 'f';           // castmethod: f function, b binary coercible, i inout
  char context = 'e';          // castcontext: e explicit, a assignment, i implicit
  std::optional<std::string> comment;
};

struct Transform {
  uint32_t oid = 0;
  std::string type;              // format_type
  std::string language;          // language name
  std::string from_sql, to_sql;  // regprocedure text, empty if none
  std::optional<std::string> comment;
};

struct CodeObjects {
  std::vector<Function> functions;
  std::vector<Aggregate> aggregates;
  std::vector<Language> languages;
  std::vector<Extension> extensions;
  std::vector<ExtensionMember> extension_members;
  std::vector<ExtensionConfigTable> extension_config_tables;
  std::vector<ExtensionMemberAcl> extension_member_acls;
  std::vector<ExtensionConfigSequence> extension_config_sequences;
  std::vector<Trigger> triggers;
  std::vector<EventTrigger> event_triggers;
  std::vector<Rule> rules;
  std::vector<Cast> casts;
  std::vector<Transform> transforms;
};

}  // namespace libdump::catalog

#endif  // LIBDUMP_SRC_CATALOG_MODEL_CODE_H_
