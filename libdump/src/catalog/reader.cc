#include "catalog/reader.h"

#include "catalog/reader_util.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace libdump::catalog {

namespace {

// Objects in these namespaces are the system's, never the user's. Members of extensions are
// dumped by CREATE EXTENSION, never one by one.
constexpr const char* kUserNamespace = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";

// Qualified collation name, only when a column's collation differs from its type's default.
constexpr const char* kCollationExpr =
    "(SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) "
    "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = "
    "co.collnamespace WHERE co.oid = %COLL%)";

std::string CollationExpr(const std::string& coll_oid_expr) {
  std::string s = kCollationExpr;
  s.replace(s.find("%COLL%"), 6, coll_oid_expr);
  return s;
}

// Generic options (ftoptions, attfdwoptions, ...) as SQL: `name 'value', ...`; NULL when none.
// The CASE keeps the server from running the subquery for the rows without options (nearly all
// of them: on 10,000 tables, a subquery per column was a seventh of the columns query).
std::string GenericOptionsExpr(const std::string& column) {
  return "CASE WHEN " + column +
         " IS NOT NULL THEN (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(o.option_name) "
         "|| ' ' || pg_catalog.quote_literal(o.option_value), ', ') FROM "
         "pg_catalog.pg_options_to_table(" +
         column + ") o) END";
}

// A tablespace's name by OID; NULL for 0 (the database's default), without a subquery per row.
std::string TablespaceExpr(const std::string& oid_expr) {
  return "CASE WHEN " + oid_expr +
         " <> 0 THEN (SELECT ts.spcname FROM pg_catalog.pg_tablespace ts "
         "WHERE ts.oid = " +
         oid_expr + ") END";
}

// SQL that is true for a relation (pg_class c, pg_namespace n) of the user's: in a user schema,
// and, when any relation is a member of an extension, not one of those. The check is left out
// when none is (the usual case): an anti-join with pg_depend in each of the relation queries
// took a tenth of their time on 10,000 tables.
std::string UserRelationFilter(bool extension_relations) {
  std::string filter = kUserNamespace;
  if (extension_relations) filter += " AND " + NotExtensionMember("pg_class", "c.oid");
  return filter;
}

// For a column or attribute type: the type to depend on (an array's element type).
constexpr const char* kDepTypeExpr =
    "CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem ELSE t.oid END";

Status ReadSchemas(pg::PgConn& conn, Catalog* cat) {
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(std::string("SELECT n.oid, n.nspname, "
                             "pg_catalog.pg_get_userbyid(n.nspowner) AS owner, "
                             "pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment, "
                             "n.nspacl "
                             "FROM pg_catalog.pg_namespace n WHERE ") +
                 kUserNamespace + " AND " + NotExtensionMember("pg_namespace", "n.oid") +
                 " ORDER BY n.nspname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Schema s;
    s.oid = row.GetOid("oid");
    s.name = row.GetString("nspname");
    s.owner = row.GetString("owner");
    s.comment = row.Opt("comment");
    s.acl = row.Opt("nspacl");
    cat->schemas.push_back(std::move(s));
  }
  return Status::Ok();
}

// Base types with I/O functions (typtype 'b'), not the array types the server makes for them.
// typsubscript exists from PostgreSQL 14; the 12-13 path reads none.
Status ReadBaseTypes(pg::PgConn& conn, Catalog* cat, const std::string& type_filter) {
  // Each function as its name (column `typinput`, ...) and its OID (`typinput_oid`, ...).
  auto proc = [](const char* column) {
    return std::string("CASE WHEN t.") + column + " <> 0 THEN t." + column +
           "::pg_catalog.regproc::pg_catalog.text END AS " + column + ", t." + column +
           "::pg_catalog.oid AS " + column + "_oid, ";
  };
  const std::string subscript = pg::Has(conn.server_version(), pg::Feature::kTypeSubscript)
                                    ? proc("typsubscript")
                                    : std::string("NULL AS typsubscript, 0 AS typsubscript_oid, ");
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT t.oid, n.nspname, t.typname, "
                 "pg_catalog.pg_get_userbyid(t.typowner) AS owner, "
                 "pg_catalog.obj_description(t.oid, 'pg_type') AS comment, t.typarray, t.typacl, " +
                 proc("typinput") + proc("typoutput") + proc("typreceive") + proc("typsend") +
                 proc("typmodin") + proc("typmodout") + proc("typanalyze") + subscript +
                 "t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory, "
                 "t.typispreferred, t.typdelim, "
                 "CASE WHEN t.typelem <> 0 THEN t.typelem::pg_catalog.regtype::pg_catalog.text "
                 "END AS element, t.typdefault, t.typcollation <> 0 AS collatable "
                 "FROM pg_catalog.pg_type t "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                 "WHERE t.typtype = 'b' AND t.typisdefined AND NOT EXISTS (SELECT 1 FROM "
                 "pg_catalog.pg_type e WHERE e.typarray = t.oid) AND " +
                 type_filter + " ORDER BY n.nspname, t.typname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    BaseType b;
    b.oid = row.GetOid("oid");
    b.schema = row.GetString("nspname");
    b.name = row.GetString("typname");
    b.owner = row.GetString("owner");
    b.comment = row.Opt("comment");
    b.array_oid = row.GetOid("typarray");
    b.acl = row.Opt("typacl");
    const std::pair<std::string*, const char*> procs[] = {
        {&b.input, "typinput"},     {&b.output, "typoutput"},      {&b.receive, "typreceive"},
        {&b.send, "typsend"},       {&b.typmod_in, "typmodin"},    {&b.typmod_out, "typmodout"},
        {&b.analyze, "typanalyze"}, {&b.subscript, "typsubscript"}};
    for (const auto& [into, column] : procs) {
      *into = row.GetString(column);
      const Oid fn = row.GetOid((std::string(column) + "_oid").c_str());
      if (fn != 0) b.functions.push_back(fn);
    }
    b.length = static_cast<int>(row.GetInt("typlen"));
    b.by_value = row.GetBool("typbyval");
    b.align = row.GetChar("typalign");
    b.storage = row.GetChar("typstorage");
    b.category = row.GetChar("typcategory");
    b.preferred = row.GetBool("typispreferred");
    b.delimiter = row.GetChar("typdelim");
    b.element = row.GetString("element");
    b.default_value = row.Opt("typdefault");
    b.collatable = row.GetBool("collatable");
    cat->base_types.push_back(std::move(b));
  }
  return Status::Ok();
}

Status ReadTypes(pg::PgConn& conn, Catalog* cat) {
  const std::string type_filter =
      std::string(kUserNamespace) + " AND " + NotExtensionMember("pg_type", "t.oid");
  // Enums (PostgreSQL 12+: pg_enum.enumsortorder exists since 9.1).
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT t.oid, n.nspname, t.typname, "
                   "pg_catalog.pg_get_userbyid(t.typowner) AS owner, "
                   "pg_catalog.obj_description(t.oid, 'pg_type') AS comment, t.typarray, t.typacl "
                   "FROM pg_catalog.pg_type t "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                   "WHERE t.typtype = 'e' AND " +
                   type_filter + " ORDER BY n.nspname, t.typname"));
    std::unordered_map<Oid, size_t> by_oid;
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      EnumType e;
      e.oid = row.GetOid("oid");
      e.schema = row.GetString("nspname");
      e.name = row.GetString("typname");
      e.owner = row.GetString("owner");
      e.comment = row.Opt("comment");
      e.array_oid = row.GetOid("typarray");
      e.acl = row.Opt("typacl");
      by_oid[e.oid] = cat->enums.size();
      cat->enums.push_back(std::move(e));
    }
    ASSIGN_OR_RETURN(pg::PgResult labels,
                     conn.Query("SELECT e.enumtypid, e.enumlabel FROM pg_catalog.pg_enum e "
                                "ORDER BY e.enumtypid, e.enumsortorder"));
    for (int i = 0; i < labels.rows(); ++i) {
      const pg::Row label(labels, i);
      auto it = by_oid.find(label.GetOid("enumtypid"));
      if (it != by_oid.end()) cat->enums[it->second].labels.push_back(label.GetString("enumlabel"));
    }
  }
  // Domains. Domain NOT NULL is typnotnull up to PostgreSQL 16; from 17 it is also a
  // pg_constraint row of contype 'n', which the constraint query below leaves out.
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query(
            "SELECT t.oid, n.nspname, t.typname, pg_catalog.pg_get_userbyid(t.typowner) AS owner, "
            "pg_catalog.format_type(t.typbasetype, t.typtypmod) AS base_type, t.typnotnull, "
            "pg_catalog.pg_get_expr(t.typdefaultbin, 'pg_catalog.pg_type'::pg_catalog.regclass) "
            "AS default_expr, CASE WHEN t.typcollation <> bt.typcollation THEN " +
            CollationExpr("t.typcollation") +
            " END AS collation, pg_catalog.obj_description(t.oid, 'pg_type') AS comment, "
            "CASE WHEN bt.typelem <> 0 AND bt.typlen = -1 THEN bt.typelem ELSE bt.oid END "
            "AS dep_type, t.typarray, t.typacl "
            "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
            "JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype "
            "WHERE t.typtype = 'd' AND " +
            type_filter + " ORDER BY n.nspname, t.typname"));
    std::unordered_map<Oid, size_t> by_oid;
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      DomainType d;
      d.oid = row.GetOid("oid");
      d.schema = row.GetString("nspname");
      d.name = row.GetString("typname");
      d.owner = row.GetString("owner");
      d.base_type = row.GetString("base_type");
      d.not_null = row.GetBool("typnotnull");
      d.default_expr = row.Opt("default_expr");
      d.collation = row.Opt("collation");
      d.comment = row.Opt("comment");
      d.array_oid = row.GetOid("typarray");
      d.acl = row.Opt("typacl");
      by_oid[d.oid] = cat->domains.size();
      cat->domains.push_back(std::move(d));
    }
    ASSIGN_OR_RETURN(
        pg::PgResult cons,
        conn.Query("SELECT c.oid, c.contypid, c.conname, "
                   "pg_catalog.pg_get_constraintdef(c.oid) AS definition, "
                   "pg_catalog.obj_description(c.oid, 'pg_constraint') AS comment, c.convalidated "
                   "FROM pg_catalog.pg_constraint c WHERE c.contypid <> 0 AND c.contype = 'c' "
                   "ORDER BY c.contypid, c.conname"));
    for (int i = 0; i < cons.rows(); ++i) {
      const pg::Row constraint(cons, i);
      auto it = by_oid.find(constraint.GetOid("contypid"));
      if (it == by_oid.end()) continue;
      DomainConstraint c;
      c.oid = constraint.GetOid("oid");
      c.name = constraint.GetString("conname");
      c.definition = constraint.GetString("definition");
      c.comment = constraint.Opt("comment");
      c.validated = constraint.GetBool("convalidated");
      cat->domains[it->second].constraints.push_back(std::move(c));
    }
  }
  // Stand-alone composite types (relkind 'c'); a table's row type is not one.
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT t.oid, t.typrelid, n.nspname, t.typname, "
                   "pg_catalog.pg_get_userbyid(t.typowner) AS owner, "
                   "pg_catalog.obj_description(t.oid, 'pg_type') AS comment, t.typarray, t.typacl "
                   "FROM pg_catalog.pg_type t "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                   "JOIN pg_catalog.pg_class c ON c.oid = t.typrelid "
                   "WHERE t.typtype = 'c' AND c.relkind = 'c' AND " +
                   type_filter + " ORDER BY n.nspname, t.typname"));
    std::unordered_map<Oid, size_t> by_relid;
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      CompositeType c;
      c.oid = row.GetOid("oid");
      c.relid = row.GetOid("typrelid");
      c.schema = row.GetString("nspname");
      c.name = row.GetString("typname");
      c.owner = row.GetString("owner");
      c.comment = row.Opt("comment");
      c.array_oid = row.GetOid("typarray");
      c.acl = row.Opt("typacl");
      by_relid[c.relid] = cat->composites.size();
      cat->composites.push_back(std::move(c));
    }
    if (!by_relid.empty()) {
      ASSIGN_OR_RETURN(
          pg::PgResult a,
          conn.Query(std::string("SELECT a.attrelid, a.attnum, a.attname, "
                                 "pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, "
                                 "CASE WHEN a.attcollation <> t.typcollation THEN ") +
                     CollationExpr("a.attcollation") + " END AS collation, a.attisdropped, " +
                     kDepTypeExpr +
                     " AS dep_type, pg_catalog.col_description(a.attrelid, a.attnum) AS comment "
                     "FROM pg_catalog.pg_attribute a "
                     "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                     "LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                     "WHERE c.relkind = 'c' AND a.attnum > 0 ORDER BY a.attrelid, a.attnum"));
      for (int i = 0; i < a.rows(); ++i) {
        const pg::Row attribute(a, i);
        auto it = by_relid.find(attribute.GetOid("attrelid"));
        if (it == by_relid.end()) continue;
        CompositeType& ct = cat->composites[it->second];
        CompositeAttribute att;
        att.name = attribute.GetString("attname");
        att.type = attribute.GetString("type");
        att.collation = attribute.Opt("collation");
        att.dropped = attribute.GetBool("attisdropped");
        if (!attribute.IsNull("comment"))
          ct.column_comments[static_cast<int>(attribute.GetInt("attnum"))] =
              attribute.GetString("comment");
        ct.attributes.push_back(std::move(att));
      }
    }
  }
  RETURN_IF_ERROR(ReadBaseTypes(conn, cat, type_filter));
  return Status::Ok();
}

// Columns of every table and view (`by_oid`: the index in cat->tables of each table's OID), in
// one query. Only each table's `columns` is written, so the other readers of ReadRelations may
// run meanwhile on another connection.
Status ReadColumns(pg::PgConn& conn, Catalog* cat, const std::unordered_map<Oid, size_t>& by_oid,
                   const std::string& in_tables) {
  // Columns of every table and view in one query. attcompression exists from PostgreSQL 14
  // (the 12-13 path reads none); attstattarget is NULL for "default" from 17, -1 before. From
  // 18 a table column's NOT NULL is a pg_constraint row (contype 'n') with a name, a validated
  // flag and NO INHERIT, read beside the column (at most one per column).
  const int v = conn.server_version();
  const char* compression = pg::Has(v, pg::Feature::kColumnCompression) ? "a.attcompression" : "''";
  const bool notnull_constraints = pg::Has(v, pg::Feature::kNotNullConstraints);
  const std::string notnull =
      notnull_constraints
          ? ", nn.conname AS nn_name, "
            "nn.conname = c.relname || '_' || a.attname || '_not_null' AS nn_default_name, "
            "nn.convalidated AS nn_valid, nn.connoinherit AS nn_noinherit, "
            "nn.conislocal AS nn_local, nnd.description AS nn_comment "
          : "";
  const std::string notnull_join =
      notnull_constraints ? "LEFT JOIN pg_catalog.pg_constraint nn ON nn.conrelid = a.attrelid AND "
                            "nn.contype = 'n' AND nn.conkey[1] = a.attnum "
                            "LEFT JOIN pg_catalog.pg_description nnd ON nnd.objoid = nn.oid AND "
                            "nnd.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND "
                            "nnd.objsubid = 0 "
                          : "";
  const std::string columns_sql =
      std::string(
          "SELECT a.attrelid, a.attnum, a.attname, "
          "pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, "
          "pg_catalog.pg_get_expr(d.adbin, CASE WHEN a.attgenerated = '' "
          "THEN 0 ELSE d.adrelid END) AS default_expr, a.attidentity, "
          "a.attgenerated, CASE WHEN a.attcollation <> t.typcollation THEN ") +
      CollationExpr("a.attcollation") + " END AS collation, a.attisdropped, " + kDepTypeExpr +
      " AS dep_type, ds.description, a.attacl, "
      "a.attislocal, COALESCE(a.attstattarget::pg_catalog.int4, -1) AS stat_target, "
      "CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END AS storage, " +
      std::string(compression) +
      " AS compression"
      // pg_attver=N: an option PostgreSQL 15.20 keeps on columns itself; pg_dump 15.20
      // leaves it out (and a view's column refuses it in ALTER ... SET).
      ", CASE WHEN a.attoptions IS NOT NULL THEN pg_catalog.array_to_string(ARRAY("
      "SELECT o FROM pg_catalog.unnest(a.attoptions) o WHERE o "
      "OPERATOR(pg_catalog.!~~) 'pg\\_attver=%'), E'\\n') END AS options, " +
      GenericOptionsExpr("a.attfdwoptions") + " AS fdw_options" + notnull +
      " FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND "
      "d.adnum = a.attnum "
      "LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = a.attrelid AND "
      "ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND "
      "ds.objsubid = a.attnum " +
      notnull_join + "WHERE a.attnum > 0 AND " + in_tables + " ORDER BY a.attrelid, a.attnum";
  // The largest result of the catalog (on 10,000 tables, 21 MB as one PGresult, beside the
  // catalog being built): read a row at a time. The rows come by table; a table's columns lose
  // their spare capacity when the next table's rows begin. Every row is a result of its own
  // with the same columns, so their positions are looked up by name once.
  struct Positions {
    int relid, attnum, name, type, notnull, default_expr, identity, generated, collation, dropped,
        dep_type, comment, acl, local, stat_target, storage, compression, options, fdw_options,
        nn_name, nn_default_name, nn_valid, nn_noinherit, nn_local, nn_comment;
  };
  std::optional<Positions> pos;
  Table* previous = nullptr;
  RETURN_IF_ERROR(conn.QueryRows(columns_sql, [&](const pg::PgResult& a) -> Status {
    if (!pos) {
      pos = Positions{a.Col("attrelid"),     a.Col("attnum"),       a.Col("attname"),
                      a.Col("type"),         a.Col("attnotnull"),   a.Col("default_expr"),
                      a.Col("attidentity"),  a.Col("attgenerated"), a.Col("collation"),
                      a.Col("attisdropped"), a.Col("dep_type"),     a.Col("description"),
                      a.Col("attacl"),       a.Col("attislocal"),   a.Col("stat_target"),
                      a.Col("storage"),      a.Col("compression"),  a.Col("options"),
                      a.Col("fdw_options"),  a.Col("nn_name"),      a.Col("nn_default_name"),
                      a.Col("nn_valid"),     a.Col("nn_noinherit"), a.Col("nn_local"),
                      a.Col("nn_comment")};
    }
    const Positions& p = *pos;
    const int i = 0;  // the row at hand
    auto it = by_oid.find(GetOid(a, i, p.relid));
    if (it == by_oid.end()) return Status::Ok();
    Table& t = cat->tables[it->second];
    if (previous != &t) {
      if (previous != nullptr) previous->columns.shrink_to_fit();
      previous = &t;
    }
    auto first_char = [&](int col) { return a.Get(i, col).empty() ? '\0' : a.Get(i, col)[0]; };
    Column col;
    col.attnum = static_cast<int>(a.GetInt(i, p.attnum));
    col.name = a.GetString(i, p.name);
    col.type = a.GetString(i, p.type);
    col.not_null = a.GetBool(i, p.notnull);
    col.default_expr = OptString(a, i, p.default_expr);
    col.identity = first_char(p.identity);
    col.generated = first_char(p.generated);
    col.collation = OptString(a, i, p.collation);
    col.dropped = a.GetBool(i, p.dropped);
    col.type_oid = GetOid(a, i, p.dep_type);
    col.comment = OptString(a, i, p.comment);
    col.acl = OptString(a, i, p.acl);
    col.local = a.GetBool(i, p.local);
    col.stat_target = static_cast<int>(a.GetInt(i, p.stat_target));
    col.storage = first_char(p.storage);
    col.compression = first_char(p.compression);
    col.options = OptNonEmpty(a, i, p.options);
    col.fdw_options = OptString(a, i, p.fdw_options);
    if (notnull_constraints && !a.IsNull(i, p.nn_name)) {
      // The constraint is the column's NOT NULL from 18 on; attnotnull says only that one exists.
      col.not_null = true;
      col.notnull_name = a.GetString(i, p.nn_name);
      col.notnull_default_name = a.GetBool(i, p.nn_default_name);
      col.notnull_valid = a.GetBool(i, p.nn_valid);
      col.notnull_noinherit = a.GetBool(i, p.nn_noinherit);
      col.notnull_local = a.GetBool(i, p.nn_local);
      col.notnull_comment = OptString(a, i, p.nn_comment);
    }
    t.columns.push_back(std::move(col));
    return Status::Ok();
  }));
  if (previous != nullptr) previous->columns.shrink_to_fit();
  return Status::Ok();
}

// Tables, views, materialized views, foreign and partitioned tables. Sets `by_oid` (each one's
// index in cat->tables) and `in_tables` (the SQL condition on pg_class c and pg_namespace n that
// selects them) for the queries of their parts (ReadColumns, ReadRelationParts).
Status ReadRelations(pg::PgConn& conn, bool extension_relations, bool measure_unvacuumed,
                     Catalog* cat, std::unordered_map<Oid, size_t>& by_oid,
                     std::string& in_tables) {
  // A column default cannot refer to a column (only a generated column's expression can), so it
  // is deparsed without its table: with the table, pg_get_expr opens it to name its columns,
  // which built a relation cache entry per table and took a third of the columns query on
  // 10,000 tables.
  // Comments come from pg_description by a join rather than obj_description/col_description,
  // SQL functions the server runs once per row (on 10,000 tables, a quarter of the columns
  // query).
  // Sizes are scheduling hints (largest first) and the split decision, so they come from the
  // planner's statistics (relpages of the table and its TOAST table, as of the last VACUUM,
  // ANALYZE or CREATE INDEX) instead of pg_table_size/pg_relation_size, which open every table's
  // files: on 10,000 tables that was most of the catalog phase. A table never vacuumed nor
  // analyzed has relpages 0 whatever its size, so tables with relpages 0 (those and the empty
  // ones) are measured: the main forks of the table and of its TOAST table, each opened once
  // (pg_table_size also opens the TOAST index and looks for every fork: on 20,000 tables never
  // vacuumed, 9.1 s of a 10 s query against 2.3 s). Without `measure_unvacuumed` (a dump without
  // data, which has no chunks to cut) they count as empty. A stale relpages only shifts the chunk
  // boundaries: the last chunk of a split table has no upper bound, so no row is missed.
  const std::string rel_filter = UserRelationFilter(extension_relations);
  const std::string block_size = "pg_catalog.current_setting('block_size')::pg_catalog.int8";
  const std::string measured_size =
      measure_unvacuumed ? "sz.heap_bytes + sz.toast_bytes" : std::string("0");
  const std::string measured_pages =
      measure_unvacuumed ? "sz.heap_bytes / " + block_size : std::string("0");
  const std::string measure_join =
      measure_unvacuumed
          ? "LEFT JOIN LATERAL (SELECT pg_catalog.pg_relation_size(c.oid) AS heap_bytes, "
            "COALESCE(pg_catalog.pg_relation_size(tc.oid), 0) AS toast_bytes "
            "WHERE c.relkind = 'r' AND c.relpages = 0) sz ON true "
          : std::string();
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT c.oid, n.nspname, c.relname, c.relkind, "
                 "pg_catalog.pg_get_userbyid(c.relowner) AS owner, c.relpersistence, "
                 "pg_catalog.array_to_string(c.reloptions, E'\\n') AS reloptions, "
                 "ds.description, "
                 "CASE WHEN c.relkind <> 'r' THEN 0 WHEN c.relpages = 0 THEN " +
                 measured_size +
                 " ELSE (c.relpages::pg_catalog.int8 + COALESCE(tc.relpages, 0)) * " + block_size +
                 " END AS size, "
                 "CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END "
                 "AS view_definition, c.reltype, c.relacl, c.relispopulated, c.relispartition, "
                 "pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS partition_bound, "
                 "CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END "
                 "AS partition_key, c.relrowsecurity, c.relforcerowsecurity, c.relreplident, "
                 "CASE WHEN c.relkind <> 'r' THEN 0 WHEN c.relpages = 0 THEN " +
                 measured_pages +
                 " ELSE c.relpages END AS heap_pages, "
                 "CASE WHEN c.reloftype <> 0 THEN "
                 "c.reloftype::pg_catalog.regtype::pg_catalog.text END AS of_type, " +
                 TablespaceExpr("c.reltablespace") +
                 " AS tablespace, pg_catalog.quote_ident(fs.srvname) AS foreign_server, " +
                 GenericOptionsExpr("ft.ftoptions") +
                 " AS foreign_options, CASE WHEN c.relkind IN ('r', 'm') THEN (SELECT am.amname "
                 "FROM pg_catalog.pg_am am WHERE am.oid = c.relam) END AS access_method, "
                 "pg_catalog.array_to_string(tc.reloptions, E'\\n') AS toast_options"
                 " FROM pg_catalog.pg_class c "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                 "LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid " +
                 measure_join +
                 "LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = c.oid AND "
                 "ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid = 0 "
                 "LEFT JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid "
                 "LEFT JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver "
                 "WHERE c.relkind IN ('r', 'v', 'p', 'm', 'f') AND " +
                 rel_filter + " ORDER BY n.nspname, c.relname"));
  // Reserved exactly: on 10,000 tables, growing by doubling leaves megabytes unused at the
  // dump's peak of memory (the same goes for each table's columns below).
  cat->tables.reserve(cat->tables.size() + static_cast<size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Table t;
    t.oid = row.GetOid("oid");
    t.schema = row.GetString("nspname");
    t.name = row.GetString("relname");
    t.kind = row.GetChar("relkind");
    t.owner = row.GetString("owner");
    t.persistence = row.GetChar("relpersistence", 'p');
    t.reloptions = OptNonEmpty(row, "reloptions");
    t.comment = row.Opt("description");
    t.size_bytes = GetUInt(row, "size");
    t.view_definition = row.GetString("view_definition");
    t.row_type = row.GetOid("reltype");
    t.acl = row.Opt("relacl");
    t.populated = row.GetBool("relispopulated");
    t.is_partition = row.GetBool("relispartition");
    t.partition_bound = row.GetString("partition_bound");
    t.partition_key = row.GetString("partition_key");
    t.row_security = row.GetBool("relrowsecurity");
    t.force_row_security = row.GetBool("relforcerowsecurity");
    t.replica_identity = row.GetChar("relreplident", 'd');
    t.heap_pages = GetUInt(row, "heap_pages");
    t.of_type = row.GetString("of_type");
    t.tablespace = row.GetString("tablespace");
    t.foreign_server = row.GetString("foreign_server");
    t.foreign_options = row.Opt("foreign_options");
    t.access_method = row.GetString("access_method");
    // The TOAST table's storage parameters are the table's "toast." ones (WITH (toast.x = ...)).
    if (std::optional<std::string> toast = OptNonEmpty(row, "toast_options")) {
      std::string options = t.reloptions ? *t.reloptions : std::string();
      size_t pos = 0;
      while (pos < toast->size()) {
        size_t nl = toast->find('\n', pos);
        if (nl == std::string::npos) nl = toast->size();
        if (!options.empty()) options += '\n';
        options += "toast." + toast->substr(pos, nl - pos);
        pos = nl + 1;
      }
      t.reloptions = std::move(options);
    }
    by_oid[t.oid] = cat->tables.size();
    cat->tables.push_back(std::move(t));
  }
  in_tables = "c.relkind IN ('r', 'v', 'p', 'm', 'f') AND " + rel_filter;
  return Status::Ok();
}

// The parts of the relations ReadRelations read, other than their columns: parents,
// constraints, indexes, CLUSTER ON and REPLICA IDENTITY indexes, index attachments, policies.
Status ReadRelationParts(pg::PgConn& conn, Catalog* cat,
                         const std::unordered_map<Oid, size_t>& by_oid,
                         const std::string& in_tables) {
  // Parents (inheritance and partitioning) in declaration order.
  {
    ASSIGN_OR_RETURN(pg::PgResult p,
                     conn.Query("SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i "
                                "JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid "
                                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE " +
                                in_tables + " ORDER BY i.inhrelid, i.inhseqno"));
    for (int i = 0; i < p.rows(); ++i) {
      const pg::Row parent(p, i);
      auto it = by_oid.find(parent.GetOid("inhrelid"));
      if (it != by_oid.end()) cat->tables[it->second].parents.push_back(parent.GetOid("inhparent"));
    }
  }

  // Constraints of tables (not of domains).
  {
    ASSIGN_OR_RETURN(
        pg::PgResult k,
        conn.Query(
            "SELECT co.oid, co.conrelid, co.conname, co.contype, "
            "pg_catalog.pg_get_constraintdef(co.oid) AS definition, co.convalidated, "
            "co.conindid, co.confrelid, co.conislocal, "
            "dk.description, ic.relname AS index_name, "
            "CASE WHEN co.contype <> 'f' THEN di.description END AS index_comment, "
            "co.conparentid, " +
            TablespaceExpr("ic.reltablespace") +
            " AS index_tablespace, CASE WHEN co.contype IN ('p', 'u') AND c.relkind = 'r' AND "
            "NOT c.relispartition AND NOT co.condeferrable AND ic.relname = co.conname "
            "AND xi.indnatts = xi.indnkeyatts " +
            (pg::Has(conn.server_version(), pg::Feature::kNullsNotDistinct)
                 ? "AND NOT xi.indnullsnotdistinct "
                 : "") +
            // A key WITHOUT OVERLAPS has no CREATE UNIQUE INDEX form.
            (pg::Has(conn.server_version(), pg::Feature::kTemporalKeys) ? "AND NOT co.conperiod "
                                                                        : "") +
            "THEN true ELSE false END AS attachable, "
            "CASE WHEN co.contype IN ('p', 'u') THEN "
            "pg_catalog.array_to_string(ic.reloptions, E'\\n') END AS index_reloptions"
            " FROM pg_catalog.pg_constraint co "
            "JOIN pg_catalog.pg_class c ON c.oid = co.conrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_catalog.pg_class ic ON ic.oid = co.conindid "
            "LEFT JOIN pg_catalog.pg_index xi ON xi.indexrelid = co.conindid "
            "LEFT JOIN pg_catalog.pg_description dk ON dk.objoid = co.oid AND "
            "dk.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND "
            "dk.objsubid = 0 "
            "LEFT JOIN pg_catalog.pg_description di ON di.objoid = co.conindid AND "
            "di.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND di.objsubid = 0 "
            "WHERE (co.contype IN ('p', 'u', 'c', 'f', 'x') OR "
            // 18's NOT VALID NOT NULL: added apart, like a NOT VALID check; a valid one
            // is part of its column (ReadColumns).
            "(co.contype = 'n' AND NOT co.convalidated)) AND " +
            in_tables + " ORDER BY co.conrelid, co.conname"));
    for (int i = 0; i < k.rows(); ++i) {
      const pg::Row constraint(k, i);
      auto it = by_oid.find(constraint.GetOid("conrelid"));
      if (it == by_oid.end()) continue;
      Constraint c;
      c.oid = constraint.GetOid("oid");
      c.name = constraint.GetString("conname");
      c.type = constraint.GetChar("contype");
      c.definition = constraint.GetString("definition");
      c.validated = constraint.GetBool("convalidated");
      c.index_oid = constraint.GetOid("conindid");
      c.ref_table = constraint.GetOid("confrelid");
      c.local = constraint.GetBool("conislocal");
      c.comment = constraint.Opt("description");
      c.parent = constraint.GetOid("conparentid");
      if (c.type != 'f') {
        c.index_name = constraint.GetString("index_name");
        c.index_comment = constraint.Opt("index_comment");
        c.index_tablespace = constraint.GetString("index_tablespace");
        c.attachable = constraint.GetBool("attachable");
        c.index_reloptions = OptNonEmpty(constraint, "index_reloptions");
      }
      cat->tables[it->second].constraints.push_back(std::move(c));
    }
  }
  // Indexes that no constraint owns; invalid ones are skipped as pg_dump skips them, except on a
  // partitioned table (an index made ON ONLY is invalid until every partition has one attached).
  {
    ASSIGN_OR_RETURN(
        pg::PgResult x,
        conn.Query("SELECT i.indexrelid, i.indrelid, ic.relname, "
                   "pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, "
                   "ds.description, " +
                   TablespaceExpr("ic.reltablespace") +
                   " AS tablespace, (SELECT pg_catalog.string_agg(a.attnum || ' ' || "
                   "a.attstattarget, ' ' ORDER BY a.attnum) FROM pg_catalog.pg_attribute a "
                   "WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0) AS stat_targets"
                   " FROM pg_catalog.pg_index i "
                   "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                   "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                   "LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = i.indexrelid AND "
                   "ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid = 0 "
                   "WHERE (i.indisvalid OR c.relkind = 'p') AND NOT EXISTS (SELECT 1 "
                   "FROM pg_catalog.pg_constraint k "
                   "WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND "
                   "k.contype IN ('p', 'u', 'x')) AND " +
                   in_tables + " ORDER BY i.indrelid, ic.relname"));
    for (int i = 0; i < x.rows(); ++i) {
      const pg::Row index(x, i);
      auto it = by_oid.find(index.GetOid("indrelid"));
      if (it == by_oid.end()) continue;
      Index idx;
      idx.oid = index.GetOid("indexrelid");
      idx.name = index.GetString("relname");
      idx.definition = index.GetString("definition");
      idx.comment = index.Opt("description");
      idx.tablespace = index.GetString("tablespace");
      // "attnum target attnum target ...": the columns with ALTER INDEX ... SET STATISTICS.
      std::istringstream targets(index.GetString("stat_targets"));
      for (int attnum, target; targets >> attnum >> target;) {
        idx.stat_targets.emplace_back(attnum, target);
      }
      cat->tables[it->second].indexes.push_back(std::move(idx));
    }
  }
  // CLUSTER ON and REPLICA IDENTITY USING INDEX name an index, constraint-owned or not.
  {
    ASSIGN_OR_RETURN(pg::PgResult x,
                     conn.Query("SELECT i.indrelid, ic.relname, i.indisclustered, i.indisreplident "
                                "FROM pg_catalog.pg_index i "
                                "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                                "WHERE i.indisclustered OR i.indisreplident"));
    for (int i = 0; i < x.rows(); ++i) {
      const pg::Row index(x, i);
      auto it = by_oid.find(index.GetOid("indrelid"));
      if (it == by_oid.end()) continue;
      Table& t = cat->tables[it->second];
      if (index.GetBool("indisclustered")) t.cluster_index = index.GetString("relname");
      if (index.GetBool("indisreplident")) t.replica_index = index.GetString("relname");
    }
  }
  // Partition indexes attached to their partitioned table's index.
  {
    ASSIGN_OR_RETURN(pg::PgResult x,
                     conn.Query("SELECT inh.inhrelid, inh.inhparent, cn.nspname, c.relname, "
                                "pn.nspname AS parent_schema, p.relname AS parent_name "
                                "FROM pg_catalog.pg_inherits inh "
                                "JOIN pg_catalog.pg_class c ON c.oid = inh.inhrelid "
                                "JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace "
                                "JOIN pg_catalog.pg_class p ON p.oid = inh.inhparent "
                                "JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace "
                                "WHERE c.relkind IN ('i', 'I') ORDER BY cn.nspname, c.relname"));
    for (int i = 0; i < x.rows(); ++i) {
      const pg::Row attachment(x, i);
      IndexAttachment a;
      a.index = attachment.GetOid("inhrelid");
      a.parent = attachment.GetOid("inhparent");
      a.schema = attachment.GetString("nspname");
      a.name = attachment.GetString("relname");
      a.parent_schema = attachment.GetString("parent_schema");
      a.parent_name = attachment.GetString("parent_name");
      cat->index_attachments.push_back(std::move(a));
    }
  }
  // Row-level security policies (pg_policy exists from PostgreSQL 9.5; polpermissive from 10).
  {
    ASSIGN_OR_RETURN(
        pg::PgResult x,
        conn.Query("SELECT p.oid, p.polrelid, p.polname, p.polcmd, p.polpermissive, "
                   "(SELECT pg_catalog.string_agg(CASE WHEN u.r = 0 THEN 'PUBLIC' ELSE "
                   "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(u.r)) END, ', ' "
                   "ORDER BY u.n) FROM pg_catalog.unnest(p.polroles) WITH ORDINALITY u(r, n)) "
                   "AS roles, pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using_expr, "
                   "pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr, "
                   "pg_catalog.obj_description(p.oid, 'pg_policy') AS comment "
                   "FROM pg_catalog.pg_policy p ORDER BY p.polrelid, p.polname"));
    for (int i = 0; i < x.rows(); ++i) {
      const pg::Row policy(x, i);
      auto it = by_oid.find(policy.GetOid("polrelid"));
      if (it == by_oid.end()) continue;
      Policy p;
      p.oid = policy.GetOid("oid");
      p.name = policy.GetString("polname");
      p.command = policy.GetChar("polcmd", '*');
      p.permissive = policy.GetBool("polpermissive");
      p.roles = policy.GetString("roles");
      p.using_expr = policy.Opt("using_expr");
      p.check_expr = policy.Opt("check_expr");
      p.comment = policy.Opt("comment");
      cat->tables[it->second].policies.push_back(std::move(p));
    }
  }
  return Status::Ok();
}

Status ReadSequences(pg::PgConn& conn, bool extension_relations, Catalog* cat) {
  // pg_sequence exists from PostgreSQL 10; this path serves 10 and later.
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(
          std::string("SELECT c.oid, n.nspname, c.relname, "
                      "pg_catalog.pg_get_userbyid(c.relowner) AS owner, "
                      "pg_catalog.format_type(s.seqtypid, NULL) AS type, s.seqstart, "
                      "s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, d.refobjid, "
                      "d.refobjsubid, d.deptype, "
                      "pg_catalog.obj_description(c.oid, 'pg_class') AS comment, c.relacl, "
                      "c.relpersistence "
                      "FROM pg_catalog.pg_sequence s "
                      "JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid "
                      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                      "LEFT JOIN pg_catalog.pg_depend d ON d.classid = "
                      "'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND "
                      "d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND "
                      "d.deptype IN ('a', 'i') WHERE ") +
          UserRelationFilter(extension_relations) + " ORDER BY n.nspname, c.relname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Sequence s;
    s.oid = row.GetOid("oid");
    s.schema = row.GetString("nspname");
    s.name = row.GetString("relname");
    s.owner = row.GetString("owner");
    s.type = row.GetString("type");
    s.start = row.GetInt("seqstart");
    s.increment = row.GetInt("seqincrement");
    s.min = row.GetInt("seqmin");
    s.max = row.GetInt("seqmax");
    s.cache = row.GetInt("seqcache");
    s.cycle = row.GetBool("seqcycle");
    if (!row.IsNull("refobjid")) {
      s.owned_by_table = row.GetOid("refobjid");
      s.owned_by_column = static_cast<int>(row.GetInt("refobjsubid"));
      s.identity = row.Get("deptype") == "i";
    }
    s.comment = row.Opt("comment");
    s.acl = row.Opt("relacl");
    s.persistence = row.GetChar("relpersistence", 'p');
    cat->sequences.push_back(std::move(s));
  }
  return Status::Ok();
}

// Every dependency between two user objects, in one query. Objects with OIDs below 16384
// (FirstNormalObjectId) were made by initdb and are never dumped, so edges to them are left out.
// A column default is reported as its table and a view's _RETURN rule as its view, the objects
// the TOC knows.
Status ReadDepends(pg::PgConn& conn, Catalog* cat) {
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(
          "SELECT CASE WHEN ad.oid IS NOT NULL OR rw.oid IS NOT NULL "
          "THEN 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid ELSE d.classid END "
          "AS classid, COALESCE(ad.adrelid, rw.ev_class, d.objid) AS objid, d.refclassid, "
          "d.refobjid, d.deptype "
          "FROM pg_catalog.pg_depend d "
          "LEFT JOIN pg_catalog.pg_attrdef ad ON d.classid = "
          "'pg_catalog.pg_attrdef'::pg_catalog.regclass AND ad.oid = d.objid "
          "LEFT JOIN pg_catalog.pg_rewrite rw ON d.classid = "
          "'pg_catalog.pg_rewrite'::pg_catalog.regclass AND rw.oid = d.objid AND "
          "rw.rulename = '_RETURN' "
          "WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= 16384"));
  cat->depends.reserve(static_cast<size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    DependEdge e;
    e.classid = row.GetOid("classid");
    e.objid = row.GetOid("objid");
    e.refclassid = row.GetOid("refclassid");
    e.refobjid = row.GetOid("refobjid");
    e.type = row.GetChar("deptype");
    cat->depends.push_back(e);
  }
  return Status::Ok();
}

// Security labels on user objects, in one query (pg_seclabel exists from PostgreSQL 9.1; this
// path serves 12 and later). Objects below FirstNormalObjectId are initdb's, never dumped.
// Subscriptions live in a shared catalog, so their labels are in pg_shseclabel: those of this
// database's subscriptions are read too, as pg_dump does (the database's own label is read with
// the database, reader_database.cc).
Status ReadSecurityLabels(pg::PgConn& conn, Catalog* cat) {
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT l.classoid, l.objoid, l.objsubid, l.provider, l.label, a.attname "
                 "FROM pg_catalog.pg_seclabel l "
                 "LEFT JOIN pg_catalog.pg_attribute a ON l.classoid = "
                 "'pg_catalog.pg_class'::pg_catalog.regclass AND a.attrelid = l.objoid AND "
                 "a.attnum = l.objsubid "
                 "WHERE l.objoid >= 16384 "
                 "UNION ALL "
                 "SELECT l.classoid, l.objoid, 0, l.provider, l.label, NULL "
                 "FROM pg_catalog.pg_shseclabel l "
                 "JOIN pg_catalog.pg_subscription s ON s.oid = l.objoid "
                 "WHERE l.classoid = 'pg_catalog.pg_subscription'::pg_catalog.regclass AND "
                 "s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d "
                 "WHERE d.datname = pg_catalog.current_database()) "
                 "ORDER BY 1, 2, 3, 4"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    SecurityLabel l;
    l.classid = row.GetOid("classoid");
    l.objid = row.GetOid("objoid");
    l.subid = static_cast<int>(row.GetInt("objsubid"));
    l.provider = row.GetString("provider");
    l.label = row.GetString("label");
    l.column = row.GetString("attname");
    cat->security_labels.push_back(std::move(l));
  }
  return Status::Ok();
}

}  // namespace

Result<Catalog> ReadCatalog(pg::PgConn& conn, pg::PgConn* helper, const ReadOptions& options) {
  Catalog cat;
  cat.server_version = conn.server_version();
  cat.server_version_string = conn.ParameterStatus("server_version");
  RETURN_IF_ERROR(pg::CheckDumpSource(cat.server_version, cat.server_version_string));
  // With the encoding: whether any relation is a member of an extension (UserRelationFilter).
  ASSIGN_OR_RETURN(
      pg::PgResult enc,
      conn.Query("SELECT pg_catalog.pg_encoding_to_char(d.encoding) AS encoding, EXISTS (SELECT "
                 "1 FROM pg_catalog.pg_depend x WHERE x.classid = "
                 "'pg_catalog.pg_class'::pg_catalog.regclass AND x.deptype = 'e') "
                 "AS extension_relations "
                 "FROM pg_catalog.pg_database d "
                 "WHERE d.datname = pg_catalog.current_database()"));
  const bool extension_relations =
      enc.rows() != 1 || pg::Row(enc, 0).GetBool("extension_relations");
  if (enc.rows() == 1) cat.encoding = pg::Row(enc, 0).GetString("encoding");
  cat.tid_range_scans = pg::Has(cat.server_version, pg::Feature::kTidRangeScan);
  RETURN_IF_ERROR(ReadSchemas(conn, &cat));
  RETURN_IF_ERROR(ReadTypes(conn, &cat));
  std::unordered_map<Oid, size_t> by_oid;
  std::string in_tables;
  RETURN_IF_ERROR(ReadRelations(conn, extension_relations, options.measure_unvacuumed_tables, &cat,
                                by_oid, in_tables));
  // The rest in two shares of about the same server time (on 10,000 tables): the relations'
  // parts but their columns (constraints and indexes take the longest to deparse) on `conn`;
  // columns, dependencies, security labels, sequences and every other kind on the helper. The
  // two write disjoint parts of the catalog (a table's columns in the second, its other parts
  // in the first) and never read what the other writes. The first runs from a thread of its
  // own: its results are the smaller, and the memory a thread's results took stays with that
  // thread's malloc arena (the second share from a thread raised the dump's peak by a fifth).
  auto second_share = [&](pg::PgConn& c) -> Status {
    RETURN_IF_ERROR(ReadColumns(c, &cat, by_oid, in_tables));
    RETURN_IF_ERROR(ReadDepends(c, &cat));
    RETURN_IF_ERROR(ReadSecurityLabels(c, &cat));
    RETURN_IF_ERROR(ReadSequences(c, extension_relations, &cat));
    RETURN_IF_ERROR(ReadCodeObjects(c, &cat));
    RETURN_IF_ERROR(ReadMiscObjects(c, &cat));
    return ReadDatabase(c, &cat);
  };
  if (helper == nullptr) {
    RETURN_IF_ERROR(second_share(conn));
    RETURN_IF_ERROR(ReadRelationParts(conn, &cat, by_oid, in_tables));
    return cat;
  }
  Status parts_status;
  {
    std::jthread parts_thread(
        [&] { parts_status = ReadRelationParts(conn, &cat, by_oid, in_tables); });
    RETURN_IF_ERROR(second_share(*helper));
  }
  RETURN_IF_ERROR(parts_status);
  return cat;
}

Status ReadSequenceValues(pg::PgConn& conn, Catalog* catalog) {
  auto& seqs = catalog->sequences;
  if (seqs.empty()) return Status::Ok();
  // pg_sequence_last_value (PostgreSQL 10 and later) reads every sequence in one query without
  // a subquery per sequence to parse and plan: on 1,000 sequences, a fifth of the time of the
  // UNION ALL below. It gives NULL for a sequence not yet called (whose last_value, from START
  // or setval(..., false), must still be read) and is asked only where SELECT is granted (it
  // accepts USAGE alone; reading the sequence, like pg_dump, needs SELECT): those, and any NULL,
  // are read from the sequences themselves.
  std::string oids;
  for (const Sequence& s : seqs) {
    oids += oids.empty() ? "{" : ",";
    oids += std::to_string(s.oid);
  }
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT s.i, CASE WHEN pg_catalog.has_sequence_privilege(s.oid, 'SELECT') "
                 "THEN pg_catalog.pg_sequence_last_value(s.oid) END AS last_value "
                 "FROM pg_catalog.unnest('" +
                 oids + "}'::pg_catalog.oid[]) WITH ORDINALITY AS s(oid, i)"));
  std::vector<bool> done(seqs.size(), false);
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    const size_t idx = static_cast<size_t>(GetUInt(row, "i")) - 1;
    if (idx >= seqs.size() || row.IsNull("last_value")) continue;
    seqs[idx].last_value = row.GetInt("last_value");
    seqs[idx].is_called = true;
    done[idx] = true;
  }
  // The rest: one UNION ALL query per 500 sequences.
  constexpr size_t kBatch = 500;
  std::vector<size_t> rest;
  for (size_t i = 0; i < seqs.size(); ++i) {
    if (!done[i]) rest.push_back(i);
  }
  for (size_t start = 0; start < rest.size(); start += kBatch) {
    const size_t end = std::min(rest.size(), start + kBatch);
    std::string sql;
    for (size_t k = start; k < end; ++k) {
      const size_t i = rest[k];
      if (!sql.empty()) sql += " UNION ALL ";
      sql += "SELECT " + std::to_string(i) + " AS idx, last_value, is_called FROM " +
             pg::QualifiedName(seqs[i].schema, seqs[i].name);
    }
    ASSIGN_OR_RETURN(pg::PgResult v, conn.Query(sql));
    for (int k = 0; k < v.rows(); ++k) {
      const pg::Row row(v, k);
      const size_t idx = static_cast<size_t>(GetUInt(row, "idx"));
      if (idx >= seqs.size()) continue;
      seqs[idx].last_value = row.GetInt("last_value");
      seqs[idx].is_called = row.GetBool("is_called");
    }
  }
  return Status::Ok();
}

}  // namespace libdump::catalog
