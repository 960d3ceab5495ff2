#include "ddl/ddl_misc.h"

#include "ddl/acl.h"
#include "pg/quote.h"

namespace libdump::ddl {

using pg::QualifiedName;
using pg::QuoteIdent;
using pg::QuoteLiteral;

namespace {

// Appends `item` to a parenthesized list laid out one item per line.
void ListItem(std::string* sql, bool* first, const std::string& item) {
  *sql += *first ? "\n    " : ",\n    ";
  *first = false;
  *sql += item;
}

// "OPTIONS (\n    k 'v', ...\n)" with a leading space, or nothing.
std::string OptionsClause(const std::optional<std::string>& options) {
  if (!options || options->empty()) return "";
  return " OPTIONS (\n    " + *options + "\n)";
}

std::string OpMemberItem(const catalog::OpMember& m) {
  if (m.is_function) {
    // Support functions always name the types they serve: a class's own are its input type,
    // which repeating does no harm, a family's may be any pair.
    return "FUNCTION " + std::to_string(m.number) + " (" + m.left + ", " + m.right + ") " +
           m.object;
  }
  // regoperator text carries the argument types: `misc.<<<(integer,integer)`.
  std::string item = "OPERATOR " + std::to_string(m.number) + " " + m.object;
  if (m.sort_family) item += " FOR ORDER BY " + *m.sort_family;
  return item;
}

}  // namespace

std::string CreateCollation(const catalog::Collation& c) {
  std::string sql = "CREATE COLLATION " + QualifiedName(c.schema, c.name) + " (provider = ";
  sql += c.provider == 'i' ? "icu" : c.provider == 'b' ? "builtin" : "libc";
  if (!c.deterministic) sql += ", deterministic = false";
  if (c.provider == 'i' || c.provider == 'b') {
    sql += ", locale = " + QuoteLiteral(c.locale.value_or(""));
    if (c.icu_rules) sql += ", rules = " + QuoteLiteral(*c.icu_rules);
  } else if (c.collate.value_or("") == c.ctype.value_or("")) {
    sql += ", locale = " + QuoteLiteral(c.collate.value_or(""));
  } else {
    sql += ", lc_collate = " + QuoteLiteral(c.collate.value_or("")) +
           ", lc_ctype = " + QuoteLiteral(c.ctype.value_or(""));
  }
  return sql + ");\n";
}

std::string CreateRangeType(const catalog::RangeType& t) {
  std::string sql = "CREATE TYPE " + QualifiedName(t.schema, t.name) + " AS RANGE (";
  bool first = true;
  ListItem(&sql, &first, "subtype = " + t.subtype);
  if (!t.multirange_name.empty()) {
    ListItem(&sql, &first, "multirange_type_name = " + t.multirange_name);
  }
  if (t.opclass) ListItem(&sql, &first, "subtype_opclass = " + *t.opclass);
  if (t.collation) ListItem(&sql, &first, "collation = " + *t.collation);
  if (t.canonical) ListItem(&sql, &first, "canonical = " + *t.canonical);
  if (t.subtype_diff) ListItem(&sql, &first, "subtype_diff = " + *t.subtype_diff);
  return sql + "\n);\n";
}

std::string CreateShellType(const catalog::ShellType& t) {
  return "CREATE TYPE " + QualifiedName(t.schema, t.name) + ";\n";
}

std::string CreateTsParser(const catalog::TsParser& p) {
  std::string sql = "CREATE TEXT SEARCH PARSER " + QualifiedName(p.schema, p.name) + " (";
  bool first = true;
  ListItem(&sql, &first, "START = " + p.start);
  ListItem(&sql, &first, "GETTOKEN = " + p.gettoken);
  ListItem(&sql, &first, "END = " + p.end);
  if (p.headline) ListItem(&sql, &first, "HEADLINE = " + *p.headline);
  ListItem(&sql, &first, "LEXTYPES = " + p.lextypes);
  return sql + "\n);\n";
}

std::string CreateTsTemplate(const catalog::TsTemplate& t) {
  std::string sql = "CREATE TEXT SEARCH TEMPLATE " + QualifiedName(t.schema, t.name) + " (";
  bool first = true;
  if (t.init) ListItem(&sql, &first, "INIT = " + *t.init);
  ListItem(&sql, &first, "LEXIZE = " + t.lexize);
  return sql + "\n);\n";
}

std::string CreateTsDictionary(const catalog::TsDictionary& d) {
  std::string sql = "CREATE TEXT SEARCH DICTIONARY " + QualifiedName(d.schema, d.name) + " (";
  bool first = true;
  ListItem(&sql, &first, "TEMPLATE = " + d.template_name);
  // dictinitoption is stored as the server itself formats an option list: `k = 'v', ...`.
  if (d.options && !d.options->empty()) ListItem(&sql, &first, *d.options);
  return sql + "\n);\n";
}

std::string CreateTsConfig(const catalog::TsConfig& c) {
  const std::string qname = QualifiedName(c.schema, c.name);
  std::string sql =
      "CREATE TEXT SEARCH CONFIGURATION " + qname + " (\n    PARSER = " + c.parser + "\n);\n";
  for (const auto& m : c.mappings) {
    sql +=
        "ALTER TEXT SEARCH CONFIGURATION " + qname + "\n    ADD MAPPING FOR " + m.token + " WITH ";
    for (size_t i = 0; i < m.dictionaries.size(); ++i) {
      if (i) sql += ", ";
      sql += m.dictionaries[i];
    }
    sql += ";\n";
  }
  return sql;
}

std::string CreateStatistics(const catalog::ExtStatistics& s) {
  std::string sql = s.definition + ";\n";
  if (s.stat_target >= 0) {
    sql += "ALTER STATISTICS " + QualifiedName(s.schema, s.name) + " SET STATISTICS " +
           std::to_string(s.stat_target) + ";\n";
  }
  return sql;
}

std::string_view DefaultAclObjects(char object_type) {
  switch (object_type) {
    case 'r':
      return "TABLES";
    case 'S':
      return "SEQUENCES";
    case 'f':
      return "FUNCTIONS";
    case 'T':
      return "TYPES";
    case 'n':
      return "SCHEMAS";
    default:
      return "";
  }
}

std::string CreateForeignDataWrapper(const catalog::ForeignDataWrapper& w) {
  std::string sql = "CREATE FOREIGN DATA WRAPPER " + QuoteIdent(w.name);
  if (w.handler) sql += " HANDLER " + *w.handler;
  if (w.validator) sql += " VALIDATOR " + *w.validator;
  return sql + OptionsClause(w.options) + ";\n";
}

std::string CreateForeignServer(const catalog::ForeignServer& s) {
  std::string sql = "CREATE SERVER " + QuoteIdent(s.name);
  if (s.type) sql += " TYPE " + QuoteLiteral(*s.type);
  if (s.version) sql += " VERSION " + QuoteLiteral(*s.version);
  sql += " FOREIGN DATA WRAPPER " + QuoteIdent(s.wrapper);
  return sql + OptionsClause(s.options) + ";\n";
}

std::string UserMappingTarget(const catalog::UserMapping& u) {
  return "FOR " + (u.is_public ? std::string("PUBLIC") : QuoteIdent(u.user)) + " SERVER " +
         QuoteIdent(u.server);
}

std::string CreateUserMapping(const catalog::UserMapping& u) {
  return "CREATE USER MAPPING " + UserMappingTarget(u) + OptionsClause(u.options) + ";\n";
}

namespace {

// The start of a pg_restore_*_stats() call: its version and the relation it names.
std::string StatsCallHead(const char* function, int source_version, const std::string& schema,
                          const std::string& relation) {
  return std::string("SELECT * FROM pg_catalog.") + function + "(\n\t'version', '" +
         std::to_string(source_version) + "'::integer,\n\t'schemaname', " + QuoteLiteral(schema) +
         ",\n\t'relname', " + QuoteLiteral(relation);
}

// One more argument of such a call, a name and its value as text cast to the argument's type;
// nothing for a NULL value.
void StatsArgument(std::string* sql, const char* name, const char* type,
                   const std::optional<std::string>& value) {
  if (!value) return;
  *sql += std::string(",\n\t'") + name + "', " + QuoteLiteral(*value) + "::" + type;
}

}  // namespace

std::string RestoreRelationStats(int source_version, const std::string& schema,
                                 const std::string& relation, const catalog::RelationStats& s) {
  std::string sql = StatsCallHead("pg_restore_relation_stats", source_version, schema, relation);
  StatsArgument(&sql, "relpages", "integer", s.relpages);
  StatsArgument(&sql, "reltuples", "real", s.reltuples);
  StatsArgument(&sql, "relallvisible", "integer", s.relallvisible);
  StatsArgument(&sql, "relallfrozen", "integer", s.relallfrozen);
  return sql + "\n);\n";
}

std::string RestoreAttributeStats(int source_version, const std::string& schema,
                                  const std::string& relation, const catalog::AttributeStats& s) {
  std::string sql = StatsCallHead("pg_restore_attribute_stats", source_version, schema, relation);
  // An index's column by its position: the names of expression columns are the server's own.
  if (s.index_attnum > 0) {
    StatsArgument(&sql, "attnum", "smallint", std::to_string(s.index_attnum));
  } else {
    sql += ",\n\t'attname', " + QuoteLiteral(s.attname);
  }
  StatsArgument(&sql, "inherited", "boolean", s.inherited);
  StatsArgument(&sql, "null_frac", "real", s.null_frac);
  StatsArgument(&sql, "avg_width", "integer", s.avg_width);
  StatsArgument(&sql, "n_distinct", "real", s.n_distinct);
  StatsArgument(&sql, "most_common_vals", "text", s.most_common_vals);
  StatsArgument(&sql, "most_common_freqs", "real[]", s.most_common_freqs);
  StatsArgument(&sql, "histogram_bounds", "text", s.histogram_bounds);
  StatsArgument(&sql, "correlation", "real", s.correlation);
  StatsArgument(&sql, "most_common_elems", "text", s.most_common_elems);
  StatsArgument(&sql, "most_common_elem_freqs", "real[]", s.most_common_elem_freqs);
  StatsArgument(&sql, "elem_count_histogram", "real[]", s.elem_count_histogram);
  StatsArgument(&sql, "range_length_histogram", "text", s.range_length_histogram);
  StatsArgument(&sql, "range_empty_frac", "real", s.range_empty_frac);
  StatsArgument(&sql, "range_bounds_histogram", "text", s.range_bounds_histogram);
  return sql + "\n);\n";
}

std::string CreatePublication(const catalog::Publication& p) {
  std::string sql = "CREATE PUBLICATION " + QuoteIdent(p.name);
  if (p.all_tables) sql += " FOR ALL TABLES";
  std::string publish;
  auto add = [&](bool on, const char* what) {
    if (!on) return;
    if (!publish.empty()) publish += ", ";
    publish += what;
  };
  add(p.insert, "insert");
  add(p.update, "update");
  add(p.del, "delete");
  add(p.truncate, "truncate");
  sql += " WITH (publish = " + QuoteLiteral(publish);
  if (p.via_root) sql += ", publish_via_partition_root = true";
  if (p.generated_columns == 's') sql += ", publish_generated_columns = stored";
  return sql + ");\n";
}

std::string PublicationAddTable(const catalog::Publication& p, const catalog::PublicationTable& t) {
  std::string sql = "ALTER PUBLICATION " + QuoteIdent(p.name) + " ADD TABLE ONLY " +
                    QualifiedName(t.schema, t.name);
  if (t.columns) sql += " (" + *t.columns + ")";
  if (t.where) sql += " WHERE (" + *t.where + ")";
  return sql + ";\n";
}

std::string PublicationAddSchema(const catalog::Publication& p,
                                 const catalog::PublicationSchema& s) {
  return "ALTER PUBLICATION " + QuoteIdent(p.name) + " ADD TABLES IN SCHEMA " +
         QuoteIdent(s.schema) + ";\n";
}

std::string CreateSubscription(const catalog::Subscription& s) {
  std::string sql = "CREATE SUBSCRIPTION " + QuoteIdent(s.name) + " CONNECTION " +
                    QuoteLiteral(s.conninfo) + " PUBLICATION " + s.publications +
                    " WITH (connect = false, slot_name = ";
  sql += s.slot_name ? QuoteLiteral(*s.slot_name) : std::string("NONE");
  if (s.binary) sql += ", binary = true";
  // Always said: the default is off up to 17 and parallel from 18.
  sql += s.streaming == 't'   ? ", streaming = on"
         : s.streaming == 'p' ? ", streaming = parallel"
                              : ", streaming = off";
  if (s.two_phase != 'd') sql += ", two_phase = on";
  if (s.disable_on_error) sql += ", disable_on_error = true";
  if (s.synchronous_commit != "off") {
    sql += ", synchronous_commit = " + QuoteLiteral(s.synchronous_commit);
  }
  if (s.origin != "any") sql += ", origin = " + QuoteLiteral(s.origin);
  if (!s.password_required) sql += ", password_required = false";
  if (s.run_as_owner) sql += ", run_as_owner = true";
  if (s.failover) sql += ", failover = true";
  return sql + ");\n";
}

std::string OperatorSignature(const catalog::Operator& o) {
  return QuoteIdent(o.schema) + "." + o.name + " (" + o.left.value_or("NONE") + ", " +
         o.right.value_or("NONE") + ")";
}

std::string CreateOperator(const catalog::Operator& o) {
  // Operator names are symbols and are never quoted; the schema is.
  std::string sql = "CREATE OPERATOR " + QuoteIdent(o.schema) + "." + o.name + " (";
  bool first = true;
  ListItem(&sql, &first, "FUNCTION = " + o.function);
  if (o.left) ListItem(&sql, &first, "LEFTARG = " + *o.left);
  if (o.right) ListItem(&sql, &first, "RIGHTARG = " + *o.right);
  if (o.commutator) ListItem(&sql, &first, "COMMUTATOR = " + *o.commutator);
  if (o.negator) ListItem(&sql, &first, "NEGATOR = " + *o.negator);
  if (o.merges) ListItem(&sql, &first, "MERGES");
  if (o.hashes) ListItem(&sql, &first, "HASHES");
  if (o.restrict_fn) ListItem(&sql, &first, "RESTRICT = " + *o.restrict_fn);
  if (o.join_fn) ListItem(&sql, &first, "JOIN = " + *o.join_fn);
  return sql + "\n);\n";
}

std::string CreateAccessMethod(const catalog::AccessMethod& a) {
  return "CREATE ACCESS METHOD " + QuoteIdent(a.name) + " TYPE " +
         (a.type == 't' ? "TABLE" : "INDEX") + " HANDLER " + a.handler + ";\n";
}

std::string CreateOpFamily(const catalog::OpFamily& f) {
  const std::string head = QualifiedName(f.schema, f.name) + " USING " + f.method;
  std::string sql = "CREATE OPERATOR FAMILY " + head + ";\n";
  if (f.members.empty()) return sql;
  sql += "ALTER OPERATOR FAMILY " + head + " ADD";
  bool first = true;
  for (const auto& m : f.members) ListItem(&sql, &first, OpMemberItem(m));
  return sql + ";\n";
}

std::string CreateOpClass(const catalog::OpClass& c) {
  std::string sql = "CREATE OPERATOR CLASS " + QualifiedName(c.schema, c.name) + "\n    " +
                    (c.is_default ? "DEFAULT " : "") + "FOR TYPE " + c.type + " USING " + c.method +
                    " FAMILY " + c.family + " AS";
  bool first = true;
  for (const auto& m : c.members) ListItem(&sql, &first, OpMemberItem(m));
  // The list may not be empty; STORAGE of the input type itself changes nothing.
  if (c.storage) {
    ListItem(&sql, &first, "STORAGE " + *c.storage);
  } else if (first) {
    ListItem(&sql, &first, "STORAGE " + c.type);
  }
  return sql + ";\n";
}

std::string CreateConversion(const catalog::Conversion& c) {
  return std::string("CREATE ") + (c.is_default ? "DEFAULT " : "") + "CONVERSION " +
         QualifiedName(c.schema, c.name) + " FOR " + QuoteLiteral(c.from_encoding) + " TO " +
         QuoteLiteral(c.to_encoding) + " FROM " + c.function + ";\n";
}

std::string OidArrayLiteral(const std::vector<catalog::Oid>& oids) {
  std::string s = "'{";
  for (size_t i = 0; i < oids.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(oids[i]);
  }
  return s + "}'::pg_catalog.oid[]";
}

std::string CreateLargeObjects(const catalog::LargeObjectGroup& g) {
  // count() so that psql prints one row for the group, not one per object.
  return "SELECT pg_catalog.count(pg_catalog.lo_create(o)) FROM pg_catalog.unnest(" +
         OidArrayLiteral(g.oids) + ") AS o;\n";
}

std::string DropLargeObjects(const catalog::LargeObjectGroup& g) {
  return "SELECT pg_catalog.count(pg_catalog.lo_unlink(l.oid)) FROM "
         "pg_catalog.pg_largeobject_metadata l WHERE l.oid = ANY (" +
         OidArrayLiteral(g.oids) + ");\n";
}

std::string LargeObjectsCopyOutSql(const catalog::LargeObjectGroup& g) {
  // Each object in pieces of kLargeObjectChunk bytes, so that no COPY row (nor the server's
  // bytea) holds a whole object of any size: the recursion reads a next piece only of objects
  // whose last piece was full. The pieces come in any order; lo_put writes each at its offset.
  const std::string chunk = std::to_string(kLargeObjectChunk);
  return "COPY (WITH RECURSIVE c (loid, off, data) AS (SELECT o, 0::pg_catalog.int8, "
         "pg_catalog.lo_get(o, 0, " +
         chunk + ") FROM pg_catalog.unnest(" + OidArrayLiteral(g.oids) +
         ") AS o UNION ALL SELECT loid, off + " + chunk + ", pg_catalog.lo_get(loid, off + " +
         chunk + ", " + chunk + ") FROM c WHERE pg_catalog.length(data) = " + chunk +
         ") SELECT loid, off, data FROM c WHERE pg_catalog.length(data) > 0) TO STDOUT";
}

std::string LargeObjectsCopyInSql() {
  return std::string("COPY ") + kLargeObjectStaging + " (loid, off, data) FROM stdin;";
}

}  // namespace libdump::ddl
