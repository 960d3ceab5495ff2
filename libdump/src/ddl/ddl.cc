#include "ddl/ddl.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "pg/quote.h"

namespace libdump::ddl {

using pg::QualifiedName;
using pg::QuoteIdent;
using pg::QuoteLiteral;

namespace {

// The options of CREATE SEQUENCE, each preceded by `sep`. As pg_dump: a bound that is the
// default for the sequence's type and direction is written NO MINVALUE / NO MAXVALUE.
std::string SequenceOptions(const catalog::Sequence& s, bool with_type, const char* sep) {
  std::string out;
  if (with_type && s.type != "bigint") out += sep + ("AS " + s.type);
  out += sep + ("START WITH " + std::to_string(s.start));
  out += sep + ("INCREMENT BY " + std::to_string(s.increment));
  int64_t type_min = std::numeric_limits<int64_t>::min();
  int64_t type_max = std::numeric_limits<int64_t>::max();
  if (s.type == "integer") {
    type_min = std::numeric_limits<int32_t>::min();
    type_max = std::numeric_limits<int32_t>::max();
  } else if (s.type == "smallint") {
    type_min = std::numeric_limits<int16_t>::min();
    type_max = std::numeric_limits<int16_t>::max();
  }
  const bool ascending = s.increment > 0;
  const int64_t default_min = ascending ? 1 : type_min;
  const int64_t default_max = ascending ? type_max : -1;
  out += sep +
         (s.min == default_min ? std::string("NO MINVALUE") : "MINVALUE " + std::to_string(s.min));
  out += sep +
         (s.max == default_max ? std::string("NO MAXVALUE") : "MAXVALUE " + std::to_string(s.max));
  out += sep + ("CACHE " + std::to_string(s.cache));
  if (s.cycle) out += sep + std::string("CYCLE");
  return out;
}

std::string StripViewDefinition(std::string_view def) {
  while (!def.empty() && (def.back() == ';' || def.back() == ' ' || def.back() == '\n')) {
    def.remove_suffix(1);
  }
  return std::string(def);
}

// " WITH (...)" of a key's index storage parameters; "" when it has none.
std::string KeyIndexWith(const catalog::Constraint& c) {
  return c.index_reloptions ? " WITH (" + FormatRelOptions(*c.index_reloptions) + ")" : "";
}

}  // namespace

std::string AlterTableFor(const catalog::Table& t, const catalog::Constraint& c) {
  // As pg_dump: a CHECK constraint, and 18's NOT VALID NOT NULL, must reach the children (ONLY
  // fails with "constraint must be added to child tables too"), and a foreign key on a
  // partitioned table goes to its partitions ("cannot use ONLY for foreign key on partitioned
  // table").
  if (c.type == 'c' || c.type == 'n' || (c.type == 'f' && t.kind == 'p')) return "ALTER TABLE ";
  return "ALTER TABLE ONLY ";
}

std::string FormatRelOptions(std::string_view reloptions) {
  std::string out;
  size_t pos = 0;
  while (pos <= reloptions.size()) {
    size_t nl = reloptions.find('\n', pos);
    if (nl == std::string_view::npos) nl = reloptions.size();
    std::string_view item = reloptions.substr(pos, nl - pos);
    if (!item.empty()) {
      size_t eq = item.find('=');
      if (!out.empty()) out += ", ";
      if (eq == std::string_view::npos) {
        out += std::string(item);
      } else {
        // Option names are plain words; values are quoted so that any text survives.
        out += std::string(item.substr(0, eq)) + "=" + QuoteLiteral(item.substr(eq + 1));
      }
    }
    pos = nl + 1;
  }
  return out;
}

std::string CreateSchema(const catalog::Schema& s) {
  return "CREATE SCHEMA " + QuoteIdent(s.name) + ";\n";
}

std::string CreateEnum(const catalog::EnumType& e) {
  std::string sql = "CREATE TYPE " + QualifiedName(e.schema, e.name) + " AS ENUM (";
  for (size_t i = 0; i < e.labels.size(); ++i) {
    sql += (i ? ",\n    " : "\n    ") + QuoteLiteral(e.labels[i]);
  }
  sql += e.labels.empty() ? ");\n" : "\n);\n";
  return sql;
}

std::string CreateDomain(const catalog::DomainType& d) {
  std::string sql = "CREATE DOMAIN " + QualifiedName(d.schema, d.name) + " AS " + d.base_type;
  if (d.collation) sql += " COLLATE " + *d.collation;
  if (d.default_expr) sql += " DEFAULT " + *d.default_expr;
  if (d.not_null) sql += " NOT NULL";
  for (const auto& c : d.constraints) {
    // CREATE DOMAIN has no NOT VALID: such a check is added after the data (AddDomainConstraint).
    if (!c.validated) continue;
    sql += "\n    CONSTRAINT " + QuoteIdent(c.name) + " " + c.definition;
  }
  return sql + ";\n";
}

std::string AddDomainConstraint(const catalog::DomainType& d, const catalog::DomainConstraint& c) {
  return "ALTER DOMAIN " + QualifiedName(d.schema, d.name) + "\n    ADD CONSTRAINT " +
         QuoteIdent(c.name) + " " + c.definition + ";\n";
}

std::string CreateComposite(const catalog::CompositeType& c) {
  std::string sql = "CREATE TYPE " + QualifiedName(c.schema, c.name) + " AS (";
  bool first = true;
  for (const auto& a : c.attributes) {
    if (a.dropped) continue;
    sql += first ? "\n    " : ",\n    ";
    first = false;
    sql += QuoteIdent(a.name) + " " + a.type;
    if (a.collation) sql += " COLLATE " + *a.collation;
  }
  sql += first ? ");\n" : "\n);\n";
  return sql;
}

namespace {

// A column's NOT NULL as CREATE TABLE writes it, or "" for none. Before 18, attnotnull alone. From
// 18, the column's valid NOT NULL constraint (a NOT VALID one is added apart, after the data):
// unnamed when its name is the server's default, with NO INHERIT when it has it. A table created
// apart from its parents (`apart`: a partition before ATTACH, or a child before INHERIT) writes
// the inherited ones too, by name, so that ATTACH/INHERIT merges them into the same constraint.
std::string NotNullClause(const catalog::Table& t, const catalog::Column& col, bool apart) {
  if (!col.not_null) return "";
  if (!col.notnull_name) return " NOT NULL";  // before 18
  if (!col.notnull_valid || (!col.notnull_local && !apart)) return "";
  std::string sql;
  if (col.notnull_default_name && !col.notnull_comment && (col.notnull_local || t.is_partition)) {
    sql = " NOT NULL";
  } else {
    sql = " CONSTRAINT " + QuoteIdent(*col.notnull_name) + " NOT NULL";
  }
  if (col.notnull_noinherit) sql += " NO INHERIT";
  return sql;
}

}  // namespace

std::string CreateTable(const catalog::Table& t,
                        const std::map<int, const catalog::Sequence*>& identity_seqs,
                        const std::string& inherits, bool all_checks,
                        const std::vector<std::string>& parents_generated) {
  const bool foreign = t.kind == 'f';
  const bool typed = !t.of_type.empty();
  std::string sql = "CREATE ";
  if (t.persistence == 'u') sql += "UNLOGGED ";
  if (foreign) sql += "FOREIGN ";
  sql += "TABLE " + QualifiedName(t.schema, t.name);
  // A typed table's columns come from its type; only their options are listed, and the list
  // is left out when there is nothing in it.
  if (typed) sql += " OF " + t.of_type;
  sql += typed ? "" : " (";
  bool first = true;
  auto item = [&](const std::string& text) {
    if (typed && first) sql += " (";
    sql += first ? "\n    " : ",\n    ";
    first = false;
    sql += text;
  };
  for (const auto& col : t.columns) {
    if (col.dropped) continue;
    const std::string not_null = NotNullClause(t, col, all_checks);
    if (!inherits.empty() && !col.local) {
      // The column comes from the parent; a NOT NULL constraint of its own (18+) does not.
      if (!not_null.empty() && col.notnull_name) {
        item((col.notnull_default_name && !col.notnull_comment
                  ? std::string("NOT NULL ")
                  : "CONSTRAINT " + QuoteIdent(*col.notnull_name) + " NOT NULL ") +
             QuoteIdent(col.name) + (col.notnull_noinherit ? " NO INHERIT" : ""));
      }
      continue;
    }
    if (typed && !col.default_expr && not_null.empty()) continue;
    std::string def = QuoteIdent(col.name) + (typed ? " WITH OPTIONS" : " " + col.type);
    if (col.fdw_options) def += " OPTIONS (" + *col.fdw_options + ")";
    if (col.collation && !typed) def += " COLLATE " + *col.collation;
    const bool inherits_expression =
        !inherits.empty() && std::find(parents_generated.begin(), parents_generated.end(),
                                       col.name) != parents_generated.end();
    if (col.generated != '\0' && inherits_expression) {
      // The server gives it the parent's expression, stored or virtual ("child column specifies
      // generation expression" otherwise).
    } else if (col.generated == 's' && col.default_expr) {
      def += " GENERATED ALWAYS AS (" + *col.default_expr + ") STORED";
    } else if (col.generated == 'v' && col.default_expr) {
      def += " GENERATED ALWAYS AS (" + *col.default_expr + ")";  // VIRTUAL, the default
    } else if (col.default_expr) {
      def += " DEFAULT " + *col.default_expr;
    }
    def += not_null;
    auto it = identity_seqs.find(col.attnum);
    // A partition's identity column (17+) shares its partitioned table's sequence and gets the
    // identity from ATTACH PARTITION, which refuses a table that has one of its own.
    const bool inherited_identity = t.is_partition && it == identity_seqs.end();
    if ((col.identity == 'a' || col.identity == 'd') && !inherited_identity) {
      def += col.identity == 'a' ? " GENERATED ALWAYS AS IDENTITY"
                                 : " GENERATED BY DEFAULT AS IDENTITY";
      if (it != identity_seqs.end() && it->second) {
        const catalog::Sequence& s = *it->second;
        // An identity sequence takes its table's persistence unless told otherwise.
        std::string persistence;
        if (s.persistence != t.persistence) {
          persistence = s.persistence == 'u' ? " UNLOGGED" : " LOGGED";
        }
        def += " (SEQUENCE NAME " + QualifiedName(s.schema, s.name) + persistence +
               SequenceOptions(s, /*with_type=*/false, " ") + ")";
      }
    }
    item(def);
  }
  for (const auto& c : t.constraints) {
    if (c.type == 'c' && c.validated && (c.local || all_checks)) {
      item("CONSTRAINT " + QuoteIdent(c.name) + " " + c.definition);
    }
  }
  if (!typed || !first) sql += first ? ")" : "\n)";
  if (!inherits.empty()) sql += "\nINHERITS (" + inherits + ")";
  if (!t.partition_key.empty()) sql += "\nPARTITION BY " + t.partition_key;
  if (t.reloptions) sql += "\nWITH (" + FormatRelOptions(*t.reloptions) + ")";
  if (foreign) {
    sql += "\nSERVER " + t.foreign_server;
    if (t.foreign_options) sql += "\nOPTIONS (\n    " + *t.foreign_options + "\n)";
  }
  return sql + ";\n";
}

std::string CreateView(const catalog::Table& v) {
  std::string sql = "CREATE VIEW " + QualifiedName(v.schema, v.name);
  if (v.reloptions) sql += " WITH (" + FormatRelOptions(*v.reloptions) + ")";
  sql += " AS\n" + StripViewDefinition(v.view_definition) + ";\n";
  // Column defaults on views are kept by ALTER VIEW ... SET DEFAULT.
  for (const auto& col : v.columns) {
    if (!col.dropped && col.default_expr) {
      sql += "ALTER VIEW " + QualifiedName(v.schema, v.name) + " ALTER COLUMN " +
             QuoteIdent(col.name) + " SET DEFAULT " + *col.default_expr + ";\n";
    }
  }
  return sql;
}

std::string CreateMaterializedView(const catalog::Table& v) {
  std::string sql = "CREATE MATERIALIZED VIEW " + QualifiedName(v.schema, v.name);
  if (v.reloptions) sql += " WITH (" + FormatRelOptions(*v.reloptions) + ")";
  return sql + " AS\n" + StripViewDefinition(v.view_definition) + "\n  WITH NO DATA;\n";
}

std::string TableProperties(const catalog::Table& t) {
  const std::string alter = "ALTER TABLE ONLY " + QualifiedName(t.schema, t.name);
  std::string sql;
  for (const auto& col : t.columns) {
    if (col.dropped) continue;
    const std::string column = alter + " ALTER COLUMN " + QuoteIdent(col.name);
    if (col.stat_target >= 0) {
      sql += column + " SET STATISTICS " + std::to_string(col.stat_target) + ";\n";
    }
    switch (col.storage) {
      case 'p':
        sql += column + " SET STORAGE PLAIN;\n";
        break;
      case 'e':
        sql += column + " SET STORAGE EXTERNAL;\n";
        break;
      case 'm':
        sql += column + " SET STORAGE MAIN;\n";
        break;
      case 'x':
        sql += column + " SET STORAGE EXTENDED;\n";
        break;
      default:
        break;
    }
    if (col.compression == 'p') sql += column + " SET COMPRESSION pglz;\n";
    if (col.compression == 'l') sql += column + " SET COMPRESSION lz4;\n";
    if (col.options) sql += column + " SET (" + FormatRelOptions(*col.options) + ");\n";
  }
  // ENABLE ROW LEVEL SECURITY is a post-data entry of its own (ROW SECURITY), as in pg_dump.
  if (t.force_row_security) sql += alter + " FORCE ROW LEVEL SECURITY;\n";
  // Views and foreign tables report relreplident 'n' but have no replica identity to set.
  if (t.kind != 'v' && t.kind != 'f') {
    if (t.replica_identity == 'f') sql += alter + " REPLICA IDENTITY FULL;\n";
    if (t.replica_identity == 'n') sql += alter + " REPLICA IDENTITY NOTHING;\n";
  }
  return sql;
}

std::string CreatePolicy(const catalog::Table& t, const catalog::Policy& p) {
  std::string sql =
      "CREATE POLICY " + QuoteIdent(p.name) + " ON " + QualifiedName(t.schema, t.name);
  if (!p.permissive) sql += " AS RESTRICTIVE";
  switch (p.command) {
    case 'r':
      sql += " FOR SELECT";
      break;
    case 'a':
      sql += " FOR INSERT";
      break;
    case 'w':
      sql += " FOR UPDATE";
      break;
    case 'd':
      sql += " FOR DELETE";
      break;
    default:
      break;
  }
  sql += " TO " + p.roles;
  if (p.using_expr) sql += " USING (" + *p.using_expr + ")";
  if (p.check_expr) sql += " WITH CHECK (" + *p.check_expr + ")";
  return sql + ";\n";
}

std::string CreateSequence(const catalog::Sequence& s) {
  return std::string(s.persistence == 'u' ? "CREATE UNLOGGED SEQUENCE " : "CREATE SEQUENCE ") +
         QualifiedName(s.schema, s.name) + SequenceOptions(s, /*with_type=*/true, "\n    ") + ";\n";
}

std::string SequenceOwnedBy(const catalog::Sequence& s, const catalog::Table& t,
                            std::string_view column) {
  return "ALTER SEQUENCE " + QualifiedName(s.schema, s.name) + " OWNED BY " +
         QualifiedName(t.schema, t.name) + "." + QuoteIdent(column) + ";\n";
}

std::string SequenceSet(const catalog::Sequence& s) {
  return "SELECT pg_catalog.setval(" + QuoteLiteral(QualifiedName(s.schema, s.name)) + ", " +
         std::to_string(s.last_value) + ", " + (s.is_called ? "true" : "false") + ");\n";
}

std::string CreateIndex(const catalog::Index& i) {
  return InTablespace(i.tablespace, i.definition + ";\n");
}

std::string IndexStatistics(const std::string& schema, const catalog::Index& i) {
  std::string sql;
  for (const auto& [attnum, target] : i.stat_targets) {
    sql += "ALTER INDEX " + QualifiedName(schema, i.name) + " ALTER COLUMN " +
           std::to_string(attnum) + " SET STATISTICS " + std::to_string(target) + ";\n";
  }
  return sql;
}

std::string InAccessMethod(const std::string& access_method, std::string sql) {
  if (access_method.empty() || access_method == "heap") return sql;
  return "SET default_table_access_method = " + QuoteIdent(access_method) + ";\n" + sql +
         "SET default_table_access_method = heap;\n";
}

std::string InTablespace(const std::string& tablespace, std::string sql) {
  if (tablespace.empty()) return sql;
  return "SET default_tablespace = " + QuoteIdent(tablespace) + ";\n" + sql +
         "SET default_tablespace = '';\n";
}

std::string CreateBaseType(const catalog::BaseType& b) {
  std::string sql = "CREATE TYPE " + QualifiedName(b.schema, b.name) + " (\n    INTERNALLENGTH = " +
                    (b.length < 0 ? std::string("variable") : std::to_string(b.length));
  auto option = [&](const char* name, const std::string& value) {
    if (!value.empty()) sql += ",\n    " + std::string(name) + " = " + value;
  };
  option("INPUT", b.input);
  option("OUTPUT", b.output);
  option("RECEIVE", b.receive);
  option("SEND", b.send);
  option("TYPMOD_IN", b.typmod_in);
  option("TYPMOD_OUT", b.typmod_out);
  option("ANALYZE", b.analyze);
  option("SUBSCRIPT", b.subscript);
  if (b.collatable) option("COLLATABLE", "true");
  if (b.default_value) option("DEFAULT", QuoteLiteral(*b.default_value));
  option("ELEMENT", b.element);
  if (b.category != 'U') option("CATEGORY", QuoteLiteral(std::string(1, b.category)));
  if (b.preferred) option("PREFERRED", "true");
  if (b.delimiter != ',') option("DELIMITER", QuoteLiteral(std::string(1, b.delimiter)));
  switch (b.align) {
    case 'c':
      option("ALIGNMENT", "char");
      break;
    case 's':
      option("ALIGNMENT", "int2");
      break;
    case 'd':
      option("ALIGNMENT", "double");
      break;
    default:
      option("ALIGNMENT", "int4");
      break;
  }
  switch (b.storage) {
    case 'e':
      option("STORAGE", "external");
      break;
    case 'm':
      option("STORAGE", "main");
      break;
    case 'x':
      option("STORAGE", "extended");
      break;
    default:
      option("STORAGE", "plain");
      break;
  }
  if (b.by_value) sql += ",\n    PASSEDBYVALUE";
  return sql + "\n);\n";
}

std::string AddConstraint(const catalog::Table& t, const catalog::Constraint& c) {
  std::string definition = c.definition;
  if (c.index_reloptions) {
    // The index's storage parameters, where pg_dump writes them: before DEFERRABLE.
    size_t at = definition.size();
    for (std::string_view tail : {" DEFERRABLE INITIALLY DEFERRED", " DEFERRABLE"}) {
      if (definition.ends_with(tail)) {
        at -= tail.size();
        break;
      }
    }
    definition.insert(at, KeyIndexWith(c));
  }
  return InTablespace(c.type == 'f' ? std::string() : c.index_tablespace,
                      AlterTableFor(t, c) + QualifiedName(t.schema, t.name) +
                          "\n    ADD CONSTRAINT " + QuoteIdent(c.name) + " " + definition + ";\n");
}

std::string CreateConstraintIndex(const catalog::Table& t, const catalog::Constraint& c) {
  // An attachable key's definition is "PRIMARY KEY (columns)" or "UNIQUE (columns)" (no INCLUDE,
  // NULLS NOT DISTINCT or DEFERRABLE), and its index has the default operator classes,
  // collations and order: the same column list makes the same index.
  std::string_view def = c.definition;
  for (std::string_view kind : {"PRIMARY KEY (", "UNIQUE ("}) {
    if (def.starts_with(kind) && def.ends_with(")")) {
      def.remove_prefix(kind.size() - 1);
      return InTablespace(c.index_tablespace, "CREATE UNIQUE INDEX " + QuoteIdent(c.name) + " ON " +
                                                  QualifiedName(t.schema, t.name) +
                                                  " USING btree " + std::string(def) +
                                                  KeyIndexWith(c) + ";\n");
    }
  }
  return "";
}

std::string AttachConstraintIndex(const catalog::Table& t, const catalog::Constraint& c) {
  return "ALTER TABLE ONLY " + QualifiedName(t.schema, t.name) + "\n    ADD CONSTRAINT " +
         QuoteIdent(c.name) + (c.type == 'p' ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX " +
         QuoteIdent(c.name) + ";\n";
}

std::string Comment(std::string_view target, std::string_view text) {
  return "COMMENT ON " + std::string(target) + " IS " + QuoteLiteral(text) + ";\n";
}

std::string SecurityLabel(std::string_view provider, std::string_view target,
                          std::string_view label) {
  return "SECURITY LABEL FOR " + QuoteIdent(provider) + " ON " + std::string(target) + " IS " +
         QuoteLiteral(label) + ";\n";
}

std::string CopyColumnList(const catalog::Table& t) {
  std::string cols;
  for (const auto& col : t.columns) {
    if (col.dropped || col.generated != '\0') continue;
    cols += cols.empty() ? "(" : ", ";
    cols += QuoteIdent(col.name);
  }
  if (!cols.empty()) cols += ")";
  return cols;
}

bool IsFixedChar(const catalog::Column& col) {
  // format_type spells bpchar with a length "character(n)", without one "bpchar", and an array
  // of it "character(n)[]" (whose type_oid is also bpchar's: the element type's).
  constexpr catalog::Oid kBpcharOid = 1042;
  return col.type_oid == kBpcharOid && col.type.starts_with("character(") &&
         col.type.ends_with(")");
}

std::vector<uint32_t> FixedCharPositions(const catalog::Table& t) {
  std::vector<uint32_t> positions;
  // A typed table's columns get their types from its type, which may already exist in a target
  // with other attribute types; an inheritance child's inherited columns may come from its
  // parent there. Only columns the table's own CREATE TABLE declares are sure to be the
  // archive's char(n). (A partition is created with every column, then attached.)
  if (!t.of_type.empty()) return positions;
  const bool child = !t.parents.empty() && !t.is_partition;
  uint32_t i = 0;
  for (const auto& col : t.columns) {
    if (col.dropped || col.generated != '\0') continue;
    if (IsFixedChar(col) && !(child && !col.local)) positions.push_back(i);
    ++i;
  }
  return positions;
}

std::string CopyOutSql(const catalog::Table& t) {
  std::string cols = CopyColumnList(t);
  return "COPY " + QualifiedName(t.schema, t.name) + (cols.empty() ? "" : " " + cols) +
         " TO STDOUT";
}

std::string CopyOutPagesSql(const catalog::Table& t, uint64_t first_page, uint64_t end_page) {
  std::string cols;
  for (const auto& col : t.columns) {
    if (col.dropped || col.generated != '\0') continue;
    cols += cols.empty() ? "" : ", ";
    cols += QuoteIdent(col.name);
  }
  // ONLY: a SELECT on an inheritance parent would also return its children's rows, which
  // COPY of the table itself never does.
  std::string sql = "COPY (SELECT " + (cols.empty() ? std::string() : cols) + " FROM ONLY " +
                    QualifiedName(t.schema, t.name) + " WHERE ctid >= '(" +
                    std::to_string(first_page) + ",0)'::pg_catalog.tid";
  if (end_page != 0) {
    sql += " AND ctid < '(" + std::to_string(end_page) + ",0)'::pg_catalog.tid";
  }
  return sql + ") TO STDOUT";
}

std::string CopyInSql(const catalog::Table& t) {
  std::string cols = CopyColumnList(t);
  return "COPY " + QualifiedName(t.schema, t.name) + (cols.empty() ? "" : " " + cols) +
         " FROM stdin;";
}

}  // namespace libdump::ddl
