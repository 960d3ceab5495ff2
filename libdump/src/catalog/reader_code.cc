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
      conn.Query(
          std::string("SELECT p.oid, n.nspname, p.proname, "
                      "pg_catalog.pg_get_userbyid(p.proowner) AS owner, p.prokind, "
                      "pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity_args, "
                      "pg_catalog.pg_get_functiondef(p.oid) AS definition, p.proacl, "
                      "pg_catalog.obj_description(p.oid, 'pg_proc') AS comment "
                      "FROM pg_catalog.pg_proc p "
                      "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                      "WHERE p.prokind IN ('f', 'p', 'w') AND ") +
          kUserNamespace + " AND " + NotExtensionMember("pg_proc", "p.oid") +
          " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = "
          "'pg_catalog.pg_proc'::pg_catalog.regclass AND i.objid = p.oid AND "
          "i.deptype = 'i') ORDER BY n.nspname, p.proname, 6"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Function f;
    f.oid = row.GetOid("oid");
    f.schema = row.GetString("nspname");
    f.name = row.GetString("proname");
    f.owner = row.GetString("owner");
    f.kind = row.GetChar("prokind", 'f');
    f.identity_args = row.GetString("identity_args");
    f.definition = row.GetString("definition");
    f.acl = row.Opt("proacl");
    f.comment = row.Opt("comment");
    cat->code.functions.push_back(std::move(f));
  }
  return Status::Ok();
}

Status ReadAggregates(pg::PgConn& conn, Catalog* cat) {
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(
          "SELECT p.oid, n.nspname, p.proname, pg_catalog.pg_get_userbyid(p.proowner) AS owner, "
          "a.aggkind, pg_catalog.pg_get_function_arguments(p.oid) AS arguments, "
          "pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity_args, "
          "(SELECT pg_catalog.string_agg(pg_catalog.format_type(u.t, NULL), ', ' ORDER BY u.o) "
          "FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY AS u(t, o)) AS grant_signature, " +
          ProcName("a.aggtransfn") + " AS transfn, " + ProcName("a.aggfinalfn") + " AS finalfn, " +
          ProcName("a.aggcombinefn") + " AS combinefn, " + ProcName("a.aggserialfn") +
          " AS serialfn, " + ProcName("a.aggdeserialfn") + " AS deserialfn, " +
          ProcName("a.aggmtransfn") + " AS mtransfn, " + ProcName("a.aggminvtransfn") +
          " AS minvtransfn, " + ProcName("a.aggmfinalfn") +
          " AS mfinalfn, a.aggfinalextra, a.aggmfinalextra, a.aggfinalmodify, a.aggmfinalmodify, "
          "(SELECT 'OPERATOR(' || pg_catalog.quote_ident(opn.nspname) || '.' || o.oprname || ')' "
          "FROM pg_catalog.pg_operator o "
          "JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace "
          "WHERE o.oid = a.aggsortop) AS sortop, "
          "pg_catalog.format_type(a.aggtranstype, NULL) AS transtype, "
          "CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END "
          "AS mtranstype, a.aggtransspace, a.aggmtransspace, a.agginitval, a.aggminitval, "
          "p.proparallel, p.proacl, pg_catalog.obj_description(p.oid, 'pg_proc') AS comment "
          "FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid "
          "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE " +
          kUserNamespace + " AND " + NotExtensionMember("pg_proc", "p.oid") +
          " ORDER BY n.nspname, p.proname, 7"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Aggregate a;
    a.oid = row.GetOid("oid");
    a.schema = row.GetString("nspname");
    a.name = row.GetString("proname");
    a.owner = row.GetString("owner");
    a.agg_kind = row.GetChar("aggkind", 'n');
    a.arguments = row.GetString("arguments");
    a.identity_args = row.GetString("identity_args");
    a.grant_signature = row.GetString("grant_signature");
    a.transfn = row.GetString("transfn");
    a.finalfn = row.GetString("finalfn");
    a.combinefn = row.GetString("combinefn");
    a.serialfn = row.GetString("serialfn");
    a.deserialfn = row.GetString("deserialfn");
    a.mtransfn = row.GetString("mtransfn");
    a.minvtransfn = row.GetString("minvtransfn");
    a.mfinalfn = row.GetString("mfinalfn");
    a.finalextra = row.GetBool("aggfinalextra");
    a.mfinalextra = row.GetBool("aggmfinalextra");
    a.finalmodify = row.GetChar("aggfinalmodify", 'r');
    a.mfinalmodify = row.GetChar("aggmfinalmodify", 'r');
    a.sortop = row.GetString("sortop");
    a.transtype = row.GetString("transtype");
    a.mtranstype = row.GetString("mtranstype");
    a.transspace = row.GetInt("aggtransspace");
    a.mtransspace = row.GetInt("aggmtransspace");
    a.initval = row.Opt("agginitval");
    a.minitval = row.Opt("aggminitval");
    a.parallel = row.GetChar("proparallel", 'u');
    a.acl = row.Opt("proacl");
    a.comment = row.Opt("comment");
    cat->code.aggregates.push_back(std::move(a));
  }
  return Status::Ok();
}

Status ReadLanguages(pg::PgConn& conn, Catalog* cat) {
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT l.oid, l.lanname, "
                 "pg_catalog.pg_get_userbyid(l.lanowner) AS owner, l.lanpltrusted, " +
                 ProcName("l.lanplcallfoid") + " AS handler, " + ProcName("l.laninline") +
                 " AS inline_handler, " + ProcName("l.lanvalidator") +
                 " AS validator, l.lanacl, "
                 "pg_catalog.obj_description(l.oid, 'pg_language') AS comment, "
                 "l.lanplcallfoid, l.laninline, l.lanvalidator "
                 "FROM pg_catalog.pg_language l WHERE l.lanispl AND l.oid >= " +
                 kFirstNormalOid + " AND " + NotExtensionMember("pg_language", "l.oid") +
                 " ORDER BY l.lanname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Language l;
    l.oid = row.GetOid("oid");
    l.name = row.GetString("lanname");
    l.owner = row.GetString("owner");
    l.trusted = row.GetBool("lanpltrusted");
    l.handler = row.GetString("handler");
    l.inline_handler = row.GetString("inline_handler");
    l.validator = row.GetString("validator");
    l.acl = row.Opt("lanacl");
    l.comment = row.Opt("comment");
    l.functions = {row.GetOid("lanplcallfoid"), row.GetOid("laninline"),
                   row.GetOid("lanvalidator")};
    cat->code.languages.push_back(std::move(l));
  }
  return Status::Ok();
}

Status ReadExtensions(pg::PgConn& conn, Catalog* cat) {
  // plpgsql's extension comes with every database (initdb made it): like pg_dump, leave it out.
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(std::string("SELECT x.oid, x.extname, n.nspname, "
                             "pg_catalog.obj_description(x.oid, 'pg_extension') AS comment "
                             "FROM pg_catalog.pg_extension x "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace "
                             "WHERE x.oid >= ") +
                 kFirstNormalOid + " ORDER BY x.extname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Extension x;
    x.oid = row.GetOid("oid");
    x.name = row.GetString("extname");
    x.schema = row.GetString("nspname");
    x.comment = row.Opt("comment");
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
    const pg::Row member(m, i);
    cat->code.extension_members.push_back(
        {member.GetOid("classid"), member.GetOid("objid"), member.GetOid("refobjid")});
  }

  // Configuration tables (pg_extension_config_dump): their rows matching the filter are data.
  ASSIGN_OR_RETURN(
      pg::PgResult c,
      conn.Query("SELECT c.oid, x.oid AS extension, n.nspname, c.relname, "
                 "pg_catalog.pg_get_userbyid(c.relowner) AS owner, "
                 "COALESCE(x.extcondition[u.ord], '') AS condition, "
                 "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' "
                 "ORDER BY a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid "
                 "AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS column_list, "
                 "pg_catalog.pg_table_size(c.oid) AS size "
                 "FROM pg_catalog.pg_extension x, "
                 "pg_catalog.unnest(x.extconfig) WITH ORDINALITY AS u(relid, ord) "
                 "JOIN pg_catalog.pg_class c ON c.oid = u.relid "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE c.relkind = 'r' AND x.oid >= " +
                 std::string(kFirstNormalOid) + " ORDER BY n.nspname, c.relname"));
  for (int i = 0; i < c.rows(); ++i) {
    const pg::Row table(c, i);
    ExtensionConfigTable t;
    t.oid = table.GetOid("oid");
    t.extension = table.GetOid("extension");
    t.schema = table.GetString("nspname");
    t.name = table.GetString("relname");
    t.owner = table.GetString("owner");
    t.condition = table.GetString("condition");
    t.column_list = table.GetString("column_list");
    t.size_bytes = GetUInt(table, "size");
    cat->code.extension_config_tables.push_back(std::move(t));
  }

  // Configuration sequences: their names first, then every value in one UNION ALL query.
  ASSIGN_OR_RETURN(
      pg::PgResult q,
      conn.Query("SELECT x.oid AS extension, n.nspname, c.relname, "
                 "pg_catalog.pg_get_userbyid(c.relowner) AS owner, c.oid "
                 "FROM pg_catalog.pg_extension x, pg_catalog.unnest(x.extconfig) AS u(relid) "
                 "JOIN pg_catalog.pg_class c ON c.oid = u.relid "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE c.relkind = 'S' AND x.oid >= " +
                 std::string(kFirstNormalOid) + " ORDER BY n.nspname, c.relname"));
  std::string values;
  for (int i = 0; i < q.rows(); ++i) {
    const pg::Row sequence(q, i);
    ExtensionConfigSequence sq;
    sq.extension = sequence.GetOid("extension");
    sq.schema = sequence.GetString("nspname");
    sq.name = sequence.GetString("relname");
    sq.owner = sequence.GetString("owner");
    sq.oid = sequence.GetOid("oid");
    if (!values.empty()) values += " UNION ALL ";
    values += "SELECT " + std::to_string(i) + " AS idx, last_value, is_called FROM " +
              pg::QualifiedName(sq.schema, sq.name);
    cat->code.extension_config_sequences.push_back(std::move(sq));
  }
  if (!values.empty()) {
    ASSIGN_OR_RETURN(pg::PgResult v, conn.Query(values));
    auto& seqs = cat->code.extension_config_sequences;
    for (int i = 0; i < v.rows(); ++i) {
      const pg::Row value(v, i);
      const size_t idx = static_cast<size_t>(GetUInt(value, "idx"));
      if (idx >= seqs.size()) continue;
      seqs[idx].last_value = value.GetInt("last_value");
      seqs[idx].is_called = value.GetBool("is_called");
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
                      "pg_catalog.pg_get_userbyid(c.relowner) AS owner, c.relkind, t.tgname, "
                      "pg_catalog.pg_get_triggerdef(t.oid, false) AS definition, t.tgenabled, ") +
          (has_parent ? "t.tgparentid <> 0 AS clone, t.tgparentid AS parent_oid"
                      : "false AS clone, 0 AS parent_oid") +
          ", pg_catalog.obj_description(t.oid, 'pg_trigger') AS comment "
          "FROM pg_catalog.pg_trigger t "
          "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
          (has_parent ? "LEFT JOIN pg_catalog.pg_trigger pt ON pt.oid = t.tgparentid " : "") +
          "WHERE " + which + " AND " + kUserNamespace + " AND " +
          NotExtensionMember("pg_class", "c.oid") + " ORDER BY n.nspname, c.relname, t.tgname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Trigger t;
    t.oid = row.GetOid("oid");
    t.table_oid = row.GetOid("tgrelid");
    t.table_schema = row.GetString("nspname");
    t.table_name = row.GetString("relname");
    t.table_owner = row.GetString("owner");
    t.table_kind = row.GetChar("relkind", 'r');
    t.name = row.GetString("tgname");
    t.definition = row.GetString("definition");
    t.enabled = row.GetChar("tgenabled", 'O');
    t.clone = row.GetBool("clone");
    t.parent_oid = row.GetOid("parent_oid");
    t.comment = row.Opt("comment");
    cat->code.triggers.push_back(std::move(t));
  }
  return Status::Ok();
}

Status ReadEventTriggers(pg::PgConn& conn, Catalog* cat) {
  // Command tags never hold a newline, so the array travels as newline-separated text.
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT e.oid, e.evtname, pg_catalog.pg_get_userbyid(e.evtowner) AS owner, "
                 "e.evtevent, pg_catalog.array_to_string(e.evttags, E'\\n') AS tags, "
                 "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) "
                 "AS function, e.evtenabled, "
                 "pg_catalog.obj_description(e.oid, 'pg_event_trigger') AS comment "
                 "FROM pg_catalog.pg_event_trigger e "
                 "JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE " +
                 NotExtensionMember("pg_event_trigger", "e.oid") + " ORDER BY e.evtname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    EventTrigger e;
    e.oid = row.GetOid("oid");
    e.name = row.GetString("evtname");
    e.owner = row.GetString("owner");
    e.event = row.GetString("evtevent");
    if (!row.IsNull("tags")) {
      std::string_view tags = row.Get("tags");
      while (!tags.empty()) {
        const size_t nl = tags.find('\n');
        e.tags.emplace_back(tags.substr(0, nl));
        if (nl == std::string_view::npos) break;
        tags.remove_prefix(nl + 1);
      }
    }
    e.function = row.GetString("function");
    e.enabled = row.GetChar("evtenabled", 'O');
    e.comment = row.Opt("comment");
    cat->code.event_triggers.push_back(std::move(e));
  }
  return Status::Ok();
}

Status ReadRules(pg::PgConn& conn, Catalog* cat) {
  // A view's _RETURN rule is the view itself (reader.cc reads it as the view's definition).
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(std::string("SELECT r.oid, r.ev_class, n.nspname, c.relname, "
                             "pg_catalog.pg_get_userbyid(c.relowner) AS owner, c.relkind, "
                             "r.rulename, pg_catalog.pg_get_ruledef(r.oid) AS definition, "
                             "r.ev_enabled, pg_catalog.obj_description(r.oid, 'pg_rewrite') "
                             "AS comment "
                             "FROM pg_catalog.pg_rewrite r "
                             "JOIN pg_catalog.pg_class c ON c.oid = r.ev_class "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE r.rulename <> '_RETURN' AND ") +
                 kUserNamespace + " AND " + NotExtensionMember("pg_class", "c.oid") +
                 " ORDER BY n.nspname, c.relname, r.rulename"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Rule u;
    u.oid = row.GetOid("oid");
    u.table_oid = row.GetOid("ev_class");
    u.table_schema = row.GetString("nspname");
    u.table_name = row.GetString("relname");
    u.table_owner = row.GetString("owner");
    u.table_kind = row.GetChar("relkind", 'r');
    u.name = row.GetString("rulename");
    u.definition = row.GetString("definition");
    u.enabled = row.GetChar("ev_enabled", 'O');
    u.comment = row.Opt("comment");
    cat->code.rules.push_back(std::move(u));
  }
  return Status::Ok();
}

Status ReadCastsAndTransforms(pg::PgConn& conn, Catalog* cat) {
  // Casts made after initdb, whatever their types; not those a type created with itself (a
  // range type's cast to its multirange type, internally dependent on both), as in pg_dump.
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT c.oid, pg_catalog.format_type(c.castsource, NULL) AS source, "
                 "pg_catalog.format_type(c.casttarget, NULL) AS target, " +
                 ProcSignature("c.castfunc") +
                 " AS function, c.castmethod, c.castcontext, "
                 "pg_catalog.obj_description(c.oid, 'pg_cast') AS comment "
                 "FROM pg_catalog.pg_cast c WHERE c.oid >= " +
                 kFirstNormalOid + " AND " + NotExtensionMember("pg_cast", "c.oid") +
                 " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = "
                 "'pg_catalog.pg_cast'::pg_catalog.regclass AND i.objid = c.oid AND "
                 "i.deptype = 'i') ORDER BY 2, 3"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Cast c;
    c.oid = row.GetOid("oid");
    c.source = row.GetString("source");
    c.target = row.GetString("target");
    c.function = row.GetString("function");
    c.method = row.GetChar("castmethod", 'f');
    c.context = row.GetChar("castcontext", 'e');
    c.comment = row.Opt("comment");
    cat->code.casts.push_back(std::move(c));
  }
  ASSIGN_OR_RETURN(
      pg::PgResult t,
      conn.Query("SELECT t.oid, pg_catalog.format_type(t.trftype, NULL) AS type, "
                 "l.lanname, " +
                 ProcSignature("t.trffromsql") + " AS from_sql, " + ProcSignature("t.trftosql") +
                 " AS to_sql, pg_catalog.obj_description(t.oid, 'pg_transform') "
                 "AS comment "
                 "FROM pg_catalog.pg_transform t "
                 "JOIN pg_catalog.pg_language l ON l.oid = t.trflang WHERE t.oid >= " +
                 kFirstNormalOid + " AND " + NotExtensionMember("pg_transform", "t.oid") +
                 " ORDER BY 2, 3"));
  for (int i = 0; i < t.rows(); ++i) {
    const pg::Row transform(t, i);
    Transform x;
    x.oid = transform.GetOid("oid");
    x.type = transform.GetString("type");
    x.language = transform.GetString("lanname");
    x.from_sql = transform.GetString("from_sql");
    x.to_sql = transform.GetString("to_sql");
    x.comment = transform.Opt("comment");
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
