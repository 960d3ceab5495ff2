// Reads the code-like objects: one query per object kind. Every query runs under the dump's empty
// search_path, so the names that regproc, regprocedure, format_type and the pg_get_*def deparsers
// print are schema-qualified unless they live in pg_catalog (which restore sessions search too).
//
// Version gates: these queries serve PostgreSQL 12 and later, like the rest of the catalog (the
// pg_aggregate columns aggfinalmodify and aggmfinalmodify exist from 11, aggkind from 9.4,
// prokind from 11). pg_trigger.tgparentid exists from 13; on 12 a partition's clone of its
// parent's trigger is marked tgisinternal instead.
#include <string>
#include <string_view>

#include "catalog/reader.h"
#include "catalog/reader_util.h"

namespace libdump::catalog {

namespace {

// The system's namespaces hold nothing the dump creates.
constexpr const char* kUserNamespace = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";

// initdb's objects (OIDs below FirstNormalObjectId) are in every new database already: the
// plpgsql language and extension, the built-in casts.
constexpr const char* kFirstNormalOid = "16384";

char CharAt(const pg::PgResult& r, int row, int col, char fallback) {
  std::string_view v = r.Get(row, col);
  return v.empty() ? fallback : v[0];
}

// "regproc text" of a function OID column, or NULL for 0; qualified unless in pg_catalog.
std::string ProcName(const std::string& col) {
  return "CASE WHEN " + col + " <> 0 THEN " + col + "::pg_catalog.regproc::pg_catalog.text END";
}

// "regprocedure text" (name and argument types), or NULL for 0.
std::string ProcSignature(const std::string& col) {
  return "CASE WHEN " + col + " <> 0 THEN " + col +
         "::pg_catalog.regprocedure::pg_catalog.text END";
}

Status ReadFunctions(pg::PgConn& conn, Catalog* cat) {
  // Functions with an internal dependency (a range type's constructors) are created by the object
  // they belong to; pg_dump leaves them out the same way.
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(std::string("SELECT p.oid, n.nspname, p.proname, "
                             "pg_catalog.pg_get_userbyid(p.proowner), p.prokind, "
                             "pg_catalog.pg_get_function_identity_arguments(p.oid), "
                             "pg_catalog.pg_get_functiondef(p.oid), p.proacl, "
                             "pg_catalog.obj_description(p.oid, 'pg_proc') "
                             "FROM pg_catalog.pg_proc p "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                             "WHERE p.prokind IN ('f', 'p', 'w') AND ") +
                 kUserNamespace + " AND " + NotExtensionMember("pg_proc", "p.oid") +
                 " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = "
                 "'pg_catalog.pg_proc'::pg_catalog.regclass AND i.objid = p.oid AND "
                 "i.deptype = 'i') ORDER BY n.nspname, p.proname, 6"));
  for (int i = 0; i < r.rows(); ++i) {
    Function f;
    f.oid = GetOid(r, i, 0);
    f.schema = r.GetString(i, 1);
    f.name = r.GetString(i, 2);
    f.owner = r.GetString(i, 3);
    f.kind = CharAt(r, i, 4, 'f');
    f.identity_args = r.GetString(i, 5);
    f.definition = r.GetString(i, 6);
    f.acl = OptString(r, i, 7);
    f.comment = OptString(r, i, 8);
    cat->code.functions.push_back(std::move(f));
  }
  return Status::Ok();
}

Status ReadAggregates(pg::PgConn& conn, Catalog* cat) {
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(
          "SELECT p.oid, n.nspname, p.proname, pg_catalog.pg_get_userbyid(p.proowner), a.aggkind, "
          "pg_catalog.pg_get_function_arguments(p.oid), "
          "pg_catalog.pg_get_function_identity_arguments(p.oid), "
          "(SELECT pg_catalog.string_agg(pg_catalog.format_type(u.t, NULL), ', ' ORDER BY u.o) "
          "FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY AS u(t, o)), " +
          ProcName("a.aggtransfn") + ", " + ProcName("a.aggfinalfn") + ", " +
          ProcName("a.aggcombinefn") + ", " + ProcName("a.aggserialfn") + ", " +
          ProcName("a.aggdeserialfn") + ", " + ProcName("a.aggmtransfn") + ", " +
          ProcName("a.aggminvtransfn") + ", " + ProcName("a.aggmfinalfn") +
          ", a.aggfinalextra, a.aggmfinalextra, a.aggfinalmodify, a.aggmfinalmodify, "
          "(SELECT 'OPERATOR(' || pg_catalog.quote_ident(opn.nspname) || '.' || o.oprname || ')' "
          "FROM pg_catalog.pg_operator o "
          "JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace "
          "WHERE o.oid = a.aggsortop), "
          "pg_catalog.format_type(a.aggtranstype, NULL), "
          "CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END, "
          "a.aggtransspace, a.aggmtransspace, a.agginitval, a.aggminitval, p.proparallel, "
          "p.proacl, pg_catalog.obj_description(p.oid, 'pg_proc') "
          "FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid "
          "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE " +
          kUserNamespace + " AND " + NotExtensionMember("pg_proc", "p.oid") +
          " ORDER BY n.nspname, p.proname, 7"));
  for (int i = 0; i < r.rows(); ++i) {
    Aggregate a;
    a.oid = GetOid(r, i, 0);
    a.schema = r.GetString(i, 1);
    a.name = r.GetString(i, 2);
    a.owner = r.GetString(i, 3);
    a.agg_kind = CharAt(r, i, 4, 'n');
    a.arguments = r.GetString(i, 5);
    a.identity_args = r.GetString(i, 6);
    a.grant_signature = r.GetString(i, 7);
    a.transfn = r.GetString(i, 8);
    a.finalfn = r.GetString(i, 9);
    a.combinefn = r.GetString(i, 10);
    a.serialfn = r.GetString(i, 11);
    a.deserialfn = r.GetString(i, 12);
    a.mtransfn = r.GetString(i, 13);
    a.minvtransfn = r.GetString(i, 14);
    a.mfinalfn = r.GetString(i, 15);
    a.finalextra = r.GetBool(i, 16);
    a.mfinalextra = r.GetBool(i, 17);
    a.finalmodify = CharAt(r, i, 18, 'r');
    a.mfinalmodify = CharAt(r, i, 19, 'r');
    a.sortop = r.GetString(i, 20);
    a.transtype = r.GetString(i, 21);
    a.mtranstype = r.GetString(i, 22);
    a.transspace = r.GetInt(i, 23);
    a.mtransspace = r.GetInt(i, 24);
    a.initval = OptString(r, i, 25);
    a.minitval = OptString(r, i, 26);
    a.parallel = CharAt(r, i, 27, 'u');
    a.acl = OptString(r, i, 28);
    a.comment = OptString(r, i, 29);
    cat->code.aggregates.push_back(std::move(a));
  }
  return Status::Ok();
}

Status ReadLanguages(pg::PgConn& conn, Catalog* cat) {
  ASSIGN_OR_RETURN(pg::PgResult r,
                   conn.Query("SELECT l.oid, l.lanname, pg_catalog.pg_get_userbyid(l.lanowner), "
                              "l.lanpltrusted, " +
                              ProcName("l.lanplcallfoid") + ", " + ProcName("l.laninline") + ", " +
                              ProcName("l.lanvalidator") +
                              ", l.lanacl, pg_catalog.obj_description(l.oid, 'pg_language'), "
                              "l.lanplcallfoid, l.laninline, l.lanvalidator "
                              "FROM pg_catalog.pg_language l WHERE l.lanispl AND l.oid >= " +
                              kFirstNormalOid + " AND " +
                              NotExtensionMember("pg_language", "l.oid") + " ORDER BY l.lanname"));
  for (int i = 0; i < r.rows(); ++i) {
    Language l;
    l.oid = GetOid(r, i, 0);
    l.name = r.GetString(i, 1);
    l.owner = r.GetString(i, 2);
    l.trusted = r.GetBool(i, 3);
    l.handler = r.GetString(i, 4);
    l.inline_handler = r.GetString(i, 5);
    l.validator = r.GetString(i, 6);
    l.acl = OptString(r, i, 7);
    l.comment = OptString(r, i, 8);
    l.functions = {GetOid(r, i, 9), GetOid(r, i, 10), GetOid(r, i, 11)};
    cat->code.languages.push_back(std::move(l));
  }
  return Status::Ok();
}

Status ReadExtensions(pg::PgConn& conn, Catalog* cat) {
  // plpgsql's extension comes with every database (initdb made it): like pg_dump, leave it out.
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(std::string("SELECT x.oid, x.extname, n.nspname, "
                             "pg_catalog.obj_description(x.oid, 'pg_extension') "
                             "FROM pg_catalog.pg_extension x "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace "
                             "WHERE x.oid >= ") +
                 kFirstNormalOid + " ORDER BY x.extname"));
  for (int i = 0; i < r.rows(); ++i) {
    Extension x;
    x.oid = GetOid(r, i, 0);
    x.name = r.GetString(i, 1);
    x.schema = r.GetString(i, 2);
    x.comment = OptString(r, i, 3);
    cat->code.extensions.push_back(std::move(x));
  }
  if (cat->code.extensions.empty()) return Status::Ok();

  // Members, plus what comes with a member without a row of its own: a member type's array type
  // and a member table's row type. Objects of user code that depend on any of them then depend
  // on the extension.
  ASSIGN_OR_RETURN(
      pg::PgResult m,
      conn.Query("SELECT d.classid, d.objid, d.refobjid FROM pg_catalog.pg_depend d "
                 "WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND "
                 "d.deptype = 'e' "
                 "UNION ALL SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, t.typarray, "
                 "d.refobjid FROM pg_catalog.pg_depend d "
                 "JOIN pg_catalog.pg_type t ON t.oid = d.objid "
                 "WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND "
                 "d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND "
                 "d.deptype = 'e' AND t.typarray <> 0 "
                 "UNION ALL SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, c.reltype, "
                 "d.refobjid FROM pg_catalog.pg_depend d "
                 "JOIN pg_catalog.pg_class c ON c.oid = d.objid "
                 "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND "
                 "d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND "
                 "d.deptype = 'e' AND c.reltype <> 0"));
  for (int i = 0; i < m.rows(); ++i) {
    cat->code.extension_members.push_back({GetOid(m, i, 0), GetOid(m, i, 1), GetOid(m, i, 2)});
  }

  // Configuration tables (pg_extension_config_dump): their rows matching the filter are data.
  ASSIGN_OR_RETURN(
      pg::PgResult c,
      conn.Query("SELECT c.oid, x.oid, n.nspname, c.relname, "
                 "pg_catalog.pg_get_userbyid(c.relowner), "
                 "COALESCE(x.extcondition[u.ord], ''), "
                 "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' "
                 "ORDER BY a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid "
                 "AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''), "
                 "pg_catalog.pg_table_size(c.oid) "
                 "FROM pg_catalog.pg_extension x, "
                 "pg_catalog.unnest(x.extconfig) WITH ORDINALITY AS u(relid, ord) "
                 "JOIN pg_catalog.pg_class c ON c.oid = u.relid "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE c.relkind = 'r' AND x.oid >= " +
                 std::string(kFirstNormalOid) + " ORDER BY n.nspname, c.relname"));
  for (int i = 0; i < c.rows(); ++i) {
    ExtensionConfigTable t;
    t.oid = GetOid(c, i, 0);
    t.extension = GetOid(c, i, 1);
    t.schema = c.GetString(i, 2);
    t.name = c.GetString(i, 3);
    t.owner = c.GetString(i, 4);
    t.condition = c.GetString(i, 5);
    t.column_list = c.GetString(i, 6);
    t.size_bytes = c.GetUInt(i, 7);
    cat->code.extension_config_tables.push_back(std::move(t));
  }

  // Configuration sequences: their names first, then every value in one UNION ALL query.
  ASSIGN_OR_RETURN(
      pg::PgResult q,
      conn.Query(
          "SELECT x.oid, n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner), c.oid "
          "FROM pg_catalog.pg_extension x, pg_catalog.unnest(x.extconfig) AS u(relid) "
          "JOIN pg_catalog.pg_class c ON c.oid = u.relid "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "WHERE c.relkind = 'S' AND x.oid >= " +
          std::string(kFirstNormalOid) + " ORDER BY n.nspname, c.relname"));
  std::string values;
  for (int i = 0; i < q.rows(); ++i) {
    ExtensionConfigSequence sq;
    sq.extension = GetOid(q, i, 0);
    sq.schema = q.GetString(i, 1);
    sq.name = q.GetString(i, 2);
    sq.owner = q.GetString(i, 3);
    sq.oid = GetOid(q, i, 4);
    if (!values.empty()) values += " UNION ALL ";
    values += "SELECT " + std::to_string(i) + ", last_value, is_called FROM " +
              pg::QualifiedName(sq.schema, sq.name);
    cat->code.extension_config_sequences.push_back(std::move(sq));
  }
  if (!values.empty()) {
    ASSIGN_OR_RETURN(pg::PgResult v, conn.Query(values));
    auto& seqs = cat->code.extension_config_sequences;
    for (int i = 0; i < v.rows(); ++i) {
      const size_t idx = static_cast<size_t>(v.GetUInt(i, 0));
      if (idx >= seqs.size()) continue;
      seqs[idx].last_value = v.GetInt(i, 1);
      seqs[idx].is_called = v.GetBool(i, 2);
    }
  }
  return Status::Ok();
}

// One branch of ReadInitialPrivilegeAcls' query: objects of `catalog` (alias o, with `oid`,
// `owner`, `acl`) that are extension members or in pg_catalog, whose ACL differs from the initial
// one. `subid` is the column number for column privileges, 0 otherwise.
std::string InitialPrivilegeBranch(const std::string& catalog, const std::string& from,
                                   const std::string& kind, const std::string& object,
                                   const std::string& schema, const std::string& tag,
                                   const std::string& owner, const std::string& acl,
                                   const std::string& default_acl, const std::string& oid,
                                   const std::string& subid, const std::string& column) {
  const std::string base = "COALESCE(ip.initprivs, " + default_acl + ")";
  return "SELECT COALESCE(xd.refobjid, 0) AS extension, " + kind + " AS kind, " + object +
         " AS object, " + schema + " AS schema, " + tag + " AS tag, " + owner + " AS owner, " +
         acl + "::pg_catalog.text AS acl, " + base + "::pg_catalog.text AS base, " + column +
         " AS column_name FROM " + from +
         " LEFT JOIN pg_catalog.pg_depend xd ON xd.classid = 'pg_catalog." + catalog +
         "'::pg_catalog.regclass AND xd.objid = " + oid +
         " AND xd.objsubid = 0 AND xd.deptype = 'e' "
         "LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = " +
         oid + " AND ip.classoid = 'pg_catalog." + catalog +
         "'::pg_catalog.regclass AND ip.objsubid = " + subid + " WHERE " + acl +
         " IS NOT NULL AND (xd.refobjid IS NOT NULL OR " + schema + " = 'pg_catalog') AND " + acl +
         " IS DISTINCT FROM " + base;
}

Status ReadInitialPrivilegeAcls(pg::PgConn& conn, Catalog* cat) {
  const std::string ns = "(SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE n.oid = ";
  const std::string sql =
      InitialPrivilegeBranch(
          "pg_proc", "pg_catalog.pg_proc p",
          "CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END",
          "pg_catalog.quote_ident(" + ns +
              "p.pronamespace)) || '.' || "
              "pg_catalog.quote_ident(p.proname) || '(' || "
              "pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'",
          ns + "p.pronamespace)",
          "p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'",
          "pg_catalog.pg_get_userbyid(p.proowner)", "p.proacl",
          "pg_catalog.acldefault('f'::pg_catalog.\"char\", p.proowner)", "p.oid", "0",
          "NULL::pg_catalog.text") +
      " UNION ALL " +
      InitialPrivilegeBranch("pg_class", "pg_catalog.pg_class c",
                             "CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END",
                             "pg_catalog.quote_ident(" + ns +
                                 "c.relnamespace)) || '.' || "
                                 "pg_catalog.quote_ident(c.relname)",
                             ns + "c.relnamespace)", "c.relname",
                             "pg_catalog.pg_get_userbyid(c.relowner)", "c.relacl",
                             "pg_catalog.acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' "
                             "END)::pg_catalog.\"char\", "
                             "c.relowner)",
                             "c.oid", "0", "NULL::pg_catalog.text") +
      " UNION ALL " +
      InitialPrivilegeBranch(
          "pg_class", "pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid",
          "'TABLE'",
          "pg_catalog.quote_ident(" + ns +
              "c.relnamespace)) || '.' || "
              "pg_catalog.quote_ident(c.relname)",
          ns + "c.relnamespace)", "c.relname || '.' || a.attname",
          "pg_catalog.pg_get_userbyid(c.relowner)", "a.attacl", "'{}'::pg_catalog.aclitem[]",
          "c.oid", "a.attnum", "a.attname::pg_catalog.text") +
      " UNION ALL " +
      InitialPrivilegeBranch("pg_language", "pg_catalog.pg_language l", "'LANGUAGE'",
                             "pg_catalog.quote_ident(l.lanname)", "''", "l.lanname",
                             "pg_catalog.pg_get_userbyid(l.lanowner)", "l.lanacl",
                             "pg_catalog.acldefault('l'::pg_catalog.\"char\", l.lanowner)", "l.oid",
                             "0", "NULL::pg_catalog.text") +
      " UNION ALL " +
      InitialPrivilegeBranch("pg_type", "pg_catalog.pg_type t", "'TYPE'",
                             "pg_catalog.format_type(t.oid, NULL)", ns + "t.typnamespace)",
                             "t.typname", "pg_catalog.pg_get_userbyid(t.typowner)", "t.typacl",
                             "pg_catalog.acldefault('T'::pg_catalog.\"char\", t.typowner)", "t.oid",
                             "0", "NULL::pg_catalog.text") +
      " UNION ALL " +
      InitialPrivilegeBranch("pg_foreign_data_wrapper", "pg_catalog.pg_foreign_data_wrapper w",
                             "'FOREIGN DATA WRAPPER'", "pg_catalog.quote_ident(w.fdwname)", "''",
                             "w.fdwname", "pg_catalog.pg_get_userbyid(w.fdwowner)", "w.fdwacl",
                             "pg_catalog.acldefault('F'::pg_catalog.\"char\", w.fdwowner)", "w.oid",
                             "0", "NULL::pg_catalog.text") +
      " UNION ALL " +
      InitialPrivilegeBranch("pg_foreign_server", "pg_catalog.pg_foreign_server s",
                             "'FOREIGN SERVER'", "pg_catalog.quote_ident(s.srvname)", "''",
                             "s.srvname", "pg_catalog.pg_get_userbyid(s.srvowner)", "s.srvacl",
                             "pg_catalog.acldefault('S'::pg_catalog.\"char\", s.srvowner)", "s.oid",
                             "0", "NULL::pg_catalog.text") +
      " ORDER BY schema, tag, column_name NULLS FIRST";
  ASSIGN_OR_RETURN(pg::PgResult a, conn.Query(sql));
  for (int i = 0; i < a.rows(); ++i) {
    const pg::Row row(a, i);
    ExtensionMemberAcl ma;
    ma.extension = row.GetOid("extension");
    ma.kind = row.GetString("kind");
    ma.object = row.GetString("object");
    ma.schema = row.GetString("schema");
    ma.tag = row.GetString("tag");
    ma.owner = row.GetString("owner");
    ma.acl = row.GetString("acl");
    ma.base_acl = row.GetString("base");
    ma.column = row.GetString("column_name");
    cat->code.extension_member_acls.push_back(std::move(ma));
  }
  return Status::Ok();
}

Status ReadTriggers(pg::PgConn& conn, Catalog* cat) {
  // A partition's clone of its parent's trigger comes with the partition; it is read only when
  // its enabled state differs from the parent's, which the dump then restores.
  const bool has_parent = pg::Has(conn.server_version(), pg::Feature::kInheritedTriggerParent);
  const std::string which = has_parent ? "((NOT t.tgisinternal AND t.tgparentid = 0) OR "
                                         "(t.tgparentid <> 0 AND t.tgenabled <> pt.tgenabled))"
                                       : "NOT t.tgisinternal";
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(
          std::string("SELECT t.oid, t.tgrelid, n.nspname, c.relname, "
                      "pg_catalog.pg_get_userbyid(c.relowner), c.relkind, t.tgname, "
                      "pg_catalog.pg_get_triggerdef(t.oid, false), t.tgenabled, ") +
          (has_parent ? "t.tgparentid <> 0, t.tgparentid" : "false, 0") +
          ", pg_catalog.obj_description(t.oid, 'pg_trigger') "
          "FROM pg_catalog.pg_trigger t "
          "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
          (has_parent ? "LEFT JOIN pg_catalog.pg_trigger pt ON pt.oid = t.tgparentid " : "") +
          "WHERE " + which + " AND " + kUserNamespace + " AND " +
          NotExtensionMember("pg_class", "c.oid") + " ORDER BY n.nspname, c.relname, t.tgname"));
  for (int i = 0; i < r.rows(); ++i) {
    Trigger t;
    t.oid = GetOid(r, i, 0);
    t.table_oid = GetOid(r, i, 1);
    t.table_schema = r.GetString(i, 2);
    t.table_name = r.GetString(i, 3);
    t.table_owner = r.GetString(i, 4);
    t.table_kind = CharAt(r, i, 5, 'r');
    t.name = r.GetString(i, 6);
    t.definition = r.GetString(i, 7);
    t.enabled = CharAt(r, i, 8, 'O');
    t.clone = r.GetBool(i, 9);
    t.parent_oid = GetOid(r, i, 10);
    t.comment = OptString(r, i, 11);
    cat->code.triggers.push_back(std::move(t));
  }
  return Status::Ok();
}

Status ReadEventTriggers(pg::PgConn& conn, Catalog* cat) {
  // Command tags never hold a newline, so the array travels as newline-separated text.
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT e.oid, e.evtname, pg_catalog.pg_get_userbyid(e.evtowner), e.evtevent, "
                 "pg_catalog.array_to_string(e.evttags, E'\\n'), "
                 "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname), "
                 "e.evtenabled, pg_catalog.obj_description(e.oid, 'pg_event_trigger') "
                 "FROM pg_catalog.pg_event_trigger e "
                 "JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE " +
                 NotExtensionMember("pg_event_trigger", "e.oid") + " ORDER BY e.evtname"));
  for (int i = 0; i < r.rows(); ++i) {
    EventTrigger e;
    e.oid = GetOid(r, i, 0);
    e.name = r.GetString(i, 1);
    e.owner = r.GetString(i, 2);
    e.event = r.GetString(i, 3);
    if (!r.IsNull(i, 4)) {
      std::string_view tags = r.Get(i, 4);
      while (!tags.empty()) {
        const size_t nl = tags.find('\n');
        e.tags.emplace_back(tags.substr(0, nl));
        if (nl == std::string_view::npos) break;
        tags.remove_prefix(nl + 1);
      }
    }
    e.function = r.GetString(i, 5);
    e.enabled = CharAt(r, i, 6, 'O');
    e.comment = OptString(r, i, 7);
    cat->code.event_triggers.push_back(std::move(e));
  }
  return Status::Ok();
}

Status ReadRules(pg::PgConn& conn, Catalog* cat) {
  // A view's _RETURN rule is the view itself (reader.cc reads it as the view's definition).
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(std::string("SELECT r.oid, r.ev_class, n.nspname, c.relname, "
                             "pg_catalog.pg_get_userbyid(c.relowner), c.relkind, r.rulename, "
                             "pg_catalog.pg_get_ruledef(r.oid), r.ev_enabled, "
                             "pg_catalog.obj_description(r.oid, 'pg_rewrite') "
                             "FROM pg_catalog.pg_rewrite r "
                             "JOIN pg_catalog.pg_class c ON c.oid = r.ev_class "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE r.rulename <> '_RETURN' AND ") +
                 kUserNamespace + " AND " + NotExtensionMember("pg_class", "c.oid") +
                 " ORDER BY n.nspname, c.relname, r.rulename"));
  for (int i = 0; i < r.rows(); ++i) {
    Rule u;
    u.oid = GetOid(r, i, 0);
    u.table_oid = GetOid(r, i, 1);
    u.table_schema = r.GetString(i, 2);
    u.table_name = r.GetString(i, 3);
    u.table_owner = r.GetString(i, 4);
    u.table_kind = CharAt(r, i, 5, 'r');
    u.name = r.GetString(i, 6);
    u.definition = r.GetString(i, 7);
    u.enabled = CharAt(r, i, 8, 'O');
    u.comment = OptString(r, i, 9);
    cat->code.rules.push_back(std::move(u));
  }
  return Status::Ok();
}

Status ReadCastsAndTransforms(pg::PgConn& conn, Catalog* cat) {
  // Casts made after initdb, whatever their types; not those a type created with itself (a
  // range type's cast to its multirange type, internally dependent on both), as in pg_dump.
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT c.oid, pg_catalog.format_type(c.castsource, NULL), "
                 "pg_catalog.format_type(c.casttarget, NULL), " +
                 ProcSignature("c.castfunc") +
                 ", c.castmethod, c.castcontext, pg_catalog.obj_description(c.oid, 'pg_cast') "
                 "FROM pg_catalog.pg_cast c WHERE c.oid >= " +
                 kFirstNormalOid + " AND " + NotExtensionMember("pg_cast", "c.oid") +
                 " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = "
                 "'pg_catalog.pg_cast'::pg_catalog.regclass AND i.objid = c.oid AND "
                 "i.deptype = 'i') ORDER BY 2, 3"));
  for (int i = 0; i < r.rows(); ++i) {
    Cast c;
    c.oid = GetOid(r, i, 0);
    c.source = r.GetString(i, 1);
    c.target = r.GetString(i, 2);
    c.function = r.GetString(i, 3);
    c.method = CharAt(r, i, 4, 'f');
    c.context = CharAt(r, i, 5, 'e');
    c.comment = OptString(r, i, 6);
    cat->code.casts.push_back(std::move(c));
  }
  ASSIGN_OR_RETURN(pg::PgResult t,
                   conn.Query("SELECT t.oid, pg_catalog.format_type(t.trftype, NULL), l.lanname, " +
                              ProcSignature("t.trffromsql") + ", " + ProcSignature("t.trftosql") +
                              ", pg_catalog.obj_description(t.oid, 'pg_transform') "
                              "FROM pg_catalog.pg_transform t "
                              "JOIN pg_catalog.pg_language l ON l.oid = t.trflang WHERE t.oid >= " +
                              kFirstNormalOid + " AND " +
                              NotExtensionMember("pg_transform", "t.oid") + " ORDER BY 2, 3"));
  for (int i = 0; i < t.rows(); ++i) {
    Transform x;
    x.oid = GetOid(t, i, 0);
    x.type = t.GetString(i, 1);
    x.language = t.GetString(i, 2);
    x.from_sql = t.GetString(i, 3);
    x.to_sql = t.GetString(i, 4);
    x.comment = OptString(t, i, 5);
    cat->code.transforms.push_back(std::move(x));
  }
  return Status::Ok();
}

}  // namespace

Status ReadCodeObjects(pg::PgConn& conn, Catalog* catalog) {
  RETURN_IF_ERROR(ReadLanguages(conn, catalog));
  RETURN_IF_ERROR(ReadExtensions(conn, catalog));
  RETURN_IF_ERROR(ReadFunctions(conn, catalog));
  RETURN_IF_ERROR(ReadAggregates(conn, catalog));
  RETURN_IF_ERROR(ReadCastsAndTransforms(conn, catalog));
  RETURN_IF_ERROR(ReadTriggers(conn, catalog));
  RETURN_IF_ERROR(ReadEventTriggers(conn, catalog));
  RETURN_IF_ERROR(ReadRules(conn, catalog));
  // Objects the dump does not create whose privileges changed since they were made: members of
  // extensions (against what the extension script gave them, pg_init_privs 'e') and the system's
  // objects in pg_catalog (against initdb's, pg_init_privs 'i', or the kind's default when
  // initdb gave none), as pg_dump dumps them. Functions, relations and their columns,
  // languages, types, foreign-data wrappers and servers: the kinds with privileges that
  // extensions and initdb make.
  RETURN_IF_ERROR(ReadInitialPrivilegeAcls(conn, catalog));
  return Status::Ok();
}

}  // namespace libdump::catalog
