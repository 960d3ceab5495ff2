// Readers of the "misc" family (model_misc.h): one query per object kind. Names the server
// deparses (regproc, regoperator, regdictionary, format_type) come back qualified unless they live
// in pg_catalog, because the dump's session runs with an empty search_path.
#include <string>
#include <unordered_map>

#include "catalog/reader.h"
#include "catalog/reader_util.h"

namespace libdump::catalog {

namespace {

constexpr const char* kUserSchema = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";

// Objects created by initdb have OIDs below FirstNormalObjectId (16384) and are never dumped.
constexpr const char* kFirstUserOid = "16384";

std::string NotInExtension(const char* catalog, const char* oid_expr) {
  return std::string("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = '") +
         catalog + "'::pg_catalog.regclass AND x.objid = " + oid_expr + " AND x.deptype = 'e')";
}

// The filter for an object in a schema: a user schema, and no extension's member.
std::string InUserSchema(const char* catalog, const char* oid_expr) {
  return std::string(kUserSchema) + " AND " + NotInExtension(catalog, oid_expr);
}

// The filter for an object outside any schema: made after initdb, and no extension's member.
std::string UserGlobal(const char* catalog, const char* oid_expr) {
  return std::string(oid_expr) + " >= " + kFirstUserOid + " AND " +
         NotInExtension(catalog, oid_expr);
}

// `schema.name` of a catalog row, quoted, as SQL.
std::string QualifiedExpr(const char* nsp_oid_expr, const char* name_expr) {
  return std::string(
             "(SELECT pg_catalog.quote_ident(qn.nspname) FROM pg_catalog.pg_namespace qn "
             "WHERE qn.oid = ") +
         nsp_oid_expr + ") || '.' || pg_catalog.quote_ident(" + name_expr + ")";
}

// Generic options (text[] "k=v") as `k 'v', ...`, in their stored order.
std::string OptionsExpr(const char* column) {
  return std::string(
             "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(o.option_name) || ' ' "
             "|| pg_catalog.quote_literal(o.option_value), ', ') FROM "
             "pg_catalog.pg_options_to_table(") +
         column + ") o)";
}

// A regproc column as SQL, NULL when the OID is 0.
std::string ProcExpr(const std::string& column) {
  return "CASE WHEN " + column + " <> 0 THEN " + column +
         "::pg_catalog.regproc::pg_catalog.text END";
}

char CharAt(const pg::PgResult& r, int row, int col) {
  std::string_view v = r.Get(row, col);
  return v.empty() ? '\0' : v[0];
}

std::string Comment(const char* oid_expr, const char* catalog) {
  return std::string("pg_catalog.obj_description(") + oid_expr + ", '" + catalog + "')";
}

Status ReadCollations(pg::PgConn& conn, MiscObjects* m) {
  const int v = conn.server_version();
  // ICU locale: collcollate up to 14, colliculocale in 15 and 16; colllocale from 17 (where the
  // builtin provider keeps its locale too).
  const char* icu = pg::Has(v, pg::Feature::kLocale17) ? "c.colllocale"
                    : pg::Has(v, pg::Feature::kCollationIcuLocale)
                        ? "c.colliculocale"
                        : "CASE WHEN c.collprovider = 'i' THEN c.collcollate END";
  const char* rules =
      pg::Has(v, pg::Feature::kCollationIcuRules) ? "c.collicurules" : "NULL::pg_catalog.text";
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(std::string("SELECT c.oid, n.nspname, c.collname, "
                             "pg_catalog.pg_get_userbyid(c.collowner), c.collprovider, "
                             "c.collisdeterministic, c.collcollate, c.collctype, ") +
                 icu + ", " + rules + ", " + Comment("c.oid", "pg_collation") +
                 " FROM pg_catalog.pg_collation c "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace WHERE " +
                 InUserSchema("pg_collation", "c.oid") + " ORDER BY n.nspname, c.collname"));
  for (int i = 0; i < r.rows(); ++i) {
    Collation c;
    c.oid = GetOid(r, i, 0);
    c.schema = r.GetString(i, 1);
    c.name = r.GetString(i, 2);
    c.owner = r.GetString(i, 3);
    c.provider = CharAt(r, i, 4);
    c.deterministic = r.GetBool(i, 5);
    c.locale = OptString(r, i, 8);
    if (c.provider == 'c') {
      c.collate = OptString(r, i, 6);
      c.ctype = OptString(r, i, 7);
    }
    c.icu_rules = OptString(r, i, 9);
    c.comment = OptString(r, i, 10);
    m->collations.push_back(std::move(c));
  }
  return Status::Ok();
}

Status ReadRangeAndShellTypes(pg::PgConn& conn, MiscObjects* m) {
  {
    // Multiranges exist from PostgreSQL 14.
    const std::string multirange = pg::Has(conn.server_version(), pg::Feature::kRangeMultirange)
                                       ? "rg.rngmultitypid"
                                       : "0::pg_catalog.oid";
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query(
            "SELECT t.oid, t.typarray, " + multirange +
            ", mt.typarray, n.nspname, t.typname, "
            "pg_catalog.pg_get_userbyid(t.typowner), "
            "pg_catalog.format_type(rg.rngsubtype, NULL), " +
            QualifiedExpr("mt.typnamespace", "mt.typname") +
            ", CASE WHEN NOT opc.opcdefault THEN " +
            QualifiedExpr("opc.opcnamespace", "opc.opcname") +
            " END, CASE WHEN rg.rngcollation <> 0 AND rg.rngcollation <> st.typcollation THEN " +
            QualifiedExpr("co.collnamespace", "co.collname") + " END, " +
            ProcExpr("rg.rngcanonical") + ", " + ProcExpr("rg.rngsubdiff") + ", t.typacl, " +
            Comment("t.oid", "pg_type") +
            " FROM pg_catalog.pg_type t "
            "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
            "JOIN pg_catalog.pg_range rg ON rg.rngtypid = t.oid "
            "JOIN pg_catalog.pg_type st ON st.oid = rg.rngsubtype "
            "LEFT JOIN pg_catalog.pg_type mt ON mt.oid = " +
            multirange +
            " "
            "LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = rg.rngsubopc "
            "LEFT JOIN pg_catalog.pg_collation co ON co.oid = rg.rngcollation "
            "WHERE t.typtype = 'r' AND " +
            InUserSchema("pg_type", "t.oid") + " ORDER BY n.nspname, t.typname"));
    for (int i = 0; i < r.rows(); ++i) {
      RangeType t;
      t.oid = GetOid(r, i, 0);
      t.array_oid = GetOid(r, i, 1);
      t.multirange_oid = GetOid(r, i, 2);
      t.multirange_array_oid = GetOid(r, i, 3);
      t.schema = r.GetString(i, 4);
      t.name = r.GetString(i, 5);
      t.owner = r.GetString(i, 6);
      t.subtype = r.GetString(i, 7);
      if (!r.IsNull(i, 8)) t.multirange_name = r.GetString(i, 8);
      t.opclass = OptString(r, i, 9);
      t.collation = OptString(r, i, 10);
      t.canonical = OptString(r, i, 11);
      t.subtype_diff = OptString(r, i, 12);
      t.acl = OptString(r, i, 13);
      t.comment = OptString(r, i, 14);
      m->ranges.push_back(std::move(t));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT t.oid, n.nspname, t.typname, "
                   "pg_catalog.pg_get_userbyid(t.typowner), " +
                   Comment("t.oid", "pg_type") +
                   " FROM pg_catalog.pg_type t "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                   "WHERE t.typtype = 'p' AND NOT t.typisdefined AND " +
                   InUserSchema("pg_type", "t.oid") + " ORDER BY n.nspname, t.typname"));
    for (int i = 0; i < r.rows(); ++i) {
      ShellType s;
      s.oid = GetOid(r, i, 0);
      s.schema = r.GetString(i, 1);
      s.name = r.GetString(i, 2);
      s.owner = r.GetString(i, 3);
      s.comment = OptString(r, i, 4);
      m->shells.push_back(std::move(s));
    }
  }
  return Status::Ok();
}

Status ReadTextSearch(pg::PgConn& conn, MiscObjects* m) {
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT p.oid, n.nspname, p.prsname, " + ProcExpr("p.prsstart") + ", " +
                   ProcExpr("p.prstoken") + ", " + ProcExpr("p.prsend") + ", " +
                   ProcExpr("p.prslextype") + ", " + ProcExpr("p.prsheadline") + ", " +
                   Comment("p.oid", "pg_ts_parser") +
                   " FROM pg_catalog.pg_ts_parser p "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = p.prsnamespace WHERE " +
                   InUserSchema("pg_ts_parser", "p.oid") + " ORDER BY n.nspname, p.prsname"));
    for (int i = 0; i < r.rows(); ++i) {
      TsParser p;
      p.oid = GetOid(r, i, 0);
      p.schema = r.GetString(i, 1);
      p.name = r.GetString(i, 2);
      p.start = r.GetString(i, 3);
      p.gettoken = r.GetString(i, 4);
      p.end = r.GetString(i, 5);
      p.lextypes = r.GetString(i, 6);
      p.headline = OptString(r, i, 7);
      p.comment = OptString(r, i, 8);
      m->ts_parsers.push_back(std::move(p));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT t.oid, n.nspname, t.tmplname, " + ProcExpr("t.tmplinit") + ", " +
                   ProcExpr("t.tmpllexize") + ", " + Comment("t.oid", "pg_ts_template") +
                   " FROM pg_catalog.pg_ts_template t "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = t.tmplnamespace WHERE " +
                   InUserSchema("pg_ts_template", "t.oid") + " ORDER BY n.nspname, t.tmplname"));
    for (int i = 0; i < r.rows(); ++i) {
      TsTemplate t;
      t.oid = GetOid(r, i, 0);
      t.schema = r.GetString(i, 1);
      t.name = r.GetString(i, 2);
      t.init = OptString(r, i, 3);
      t.lexize = r.GetString(i, 4);
      t.comment = OptString(r, i, 5);
      m->ts_templates.push_back(std::move(t));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT d.oid, n.nspname, d.dictname, "
                   "pg_catalog.pg_get_userbyid(d.dictowner), " +
                   QualifiedExpr("t.tmplnamespace", "t.tmplname") + ", d.dictinitoption, " +
                   Comment("d.oid", "pg_ts_dict") +
                   " FROM pg_catalog.pg_ts_dict d "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = d.dictnamespace "
                   "JOIN pg_catalog.pg_ts_template t ON t.oid = d.dicttemplate WHERE " +
                   InUserSchema("pg_ts_dict", "d.oid") + " ORDER BY n.nspname, d.dictname"));
    for (int i = 0; i < r.rows(); ++i) {
      TsDictionary d;
      d.oid = GetOid(r, i, 0);
      d.schema = r.GetString(i, 1);
      d.name = r.GetString(i, 2);
      d.owner = r.GetString(i, 3);
      d.template_name = r.GetString(i, 4);
      d.options = OptString(r, i, 5);
      d.comment = OptString(r, i, 6);
      m->ts_dictionaries.push_back(std::move(d));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT c.oid, n.nspname, c.cfgname, pg_catalog.pg_get_userbyid(c.cfgowner), " +
                   QualifiedExpr("p.prsnamespace", "p.prsname") + ", " +
                   Comment("c.oid", "pg_ts_config") +
                   " FROM pg_catalog.pg_ts_config c "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace "
                   "JOIN pg_catalog.pg_ts_parser p ON p.oid = c.cfgparser WHERE " +
                   InUserSchema("pg_ts_config", "c.oid") + " ORDER BY n.nspname, c.cfgname"));
    std::unordered_map<Oid, size_t> by_oid;
    for (int i = 0; i < r.rows(); ++i) {
      TsConfig c;
      c.oid = GetOid(r, i, 0);
      c.schema = r.GetString(i, 1);
      c.name = r.GetString(i, 2);
      c.owner = r.GetString(i, 3);
      c.parser = r.GetString(i, 4);
      c.comment = OptString(r, i, 5);
      by_oid[c.oid] = m->ts_configs.size();
      m->ts_configs.push_back(std::move(c));
    }
    if (!by_oid.empty()) {
      // Token type names come from the parser's lextype function; one lateral call per
      // configuration inside the one query.
      ASSIGN_OR_RETURN(
          pg::PgResult mp,
          conn.Query("SELECT m.mapcfg, m.maptokentype, pg_catalog.quote_ident(tt.alias), "
                     "m.mapdict::pg_catalog.regdictionary::pg_catalog.text "
                     "FROM pg_catalog.pg_ts_config_map m "
                     "JOIN pg_catalog.pg_ts_config c ON c.oid = m.mapcfg "
                     "CROSS JOIN LATERAL pg_catalog.ts_token_type(c.cfgparser) tt "
                     "WHERE tt.tokid = m.maptokentype AND m.mapcfg >= " +
                     std::string(kFirstUserOid) +
                     " ORDER BY m.mapcfg, m.maptokentype, m.mapseqno"));
      int64_t last_token = -1;
      Oid last_cfg = 0;
      for (int i = 0; i < mp.rows(); ++i) {
        auto it = by_oid.find(GetOid(mp, i, 0));
        if (it == by_oid.end()) continue;
        TsConfig& c = m->ts_configs[it->second];
        const int64_t token = mp.GetInt(i, 1);
        if (c.oid != last_cfg || token != last_token || c.mappings.empty()) {
          c.mappings.push_back({mp.GetString(i, 2), {}});
        }
        c.mappings.back().dictionaries.push_back(mp.GetString(i, 3));
        last_cfg = c.oid;
        last_token = token;
      }
    }
  }
  return Status::Ok();
}

Status ReadStatistics(pg::PgConn& conn, MiscObjects* m) {
  // stxstattarget exists from PostgreSQL 13; it is NULL for "default" from 17, -1 before.
  const std::string target = pg::Has(conn.server_version(), pg::Feature::kStatisticsTarget)
                                 ? "COALESCE(s.stxstattarget::pg_catalog.int4, -1)"
                                 : "-1";
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT s.oid, n.nspname, s.stxname, pg_catalog.pg_get_userbyid(s.stxowner), "
                 "pg_catalog.pg_get_statisticsobjdef(s.oid), " +
                 target + ", " + Comment("s.oid", "pg_statistic_ext") +
                 ", s.stxrelid FROM pg_catalog.pg_statistic_ext s "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace WHERE " +
                 InUserSchema("pg_statistic_ext", "s.oid") + " ORDER BY n.nspname, s.stxname"));
  for (int i = 0; i < r.rows(); ++i) {
    ExtStatistics s;
    s.oid = GetOid(r, i, 0);
    s.schema = r.GetString(i, 1);
    s.name = r.GetString(i, 2);
    s.owner = r.GetString(i, 3);
    s.definition = r.GetString(i, 4);
    s.stat_target = static_cast<int>(r.GetInt(i, 5));
    s.comment = OptString(r, i, 6);
    s.table_oid = GetOid(r, i, 7);
    m->statistics.push_back(std::move(s));
  }
  return Status::Ok();
}

Status ReadDefaultAcls(pg::PgConn& conn, MiscObjects* m) {
  ASSIGN_OR_RETURN(pg::PgResult r,
                   conn.Query("SELECT d.oid, pg_catalog.pg_get_userbyid(d.defaclrole), "
                              "n.nspname, d.defaclobjtype, d.defaclacl "
                              "FROM pg_catalog.pg_default_acl d "
                              "LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace "
                              "ORDER BY 2, 3 NULLS FIRST, 4"));
  for (int i = 0; i < r.rows(); ++i) {
    DefaultAcl d;
    d.oid = GetOid(r, i, 0);
    d.role = r.GetString(i, 1);
    d.schema = r.IsNull(i, 2) ? "" : r.GetString(i, 2);
    d.object_type = CharAt(r, i, 3);
    d.acl = r.GetString(i, 4);
    m->default_acls.push_back(std::move(d));
  }
  return Status::Ok();
}

Status ReadForeignData(pg::PgConn& conn, MiscObjects* m) {
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT w.oid, w.fdwname, pg_catalog.pg_get_userbyid(w.fdwowner), " +
                   ProcExpr("w.fdwhandler") + ", " + ProcExpr("w.fdwvalidator") + ", " +
                   OptionsExpr("w.fdwoptions") + ", w.fdwacl, " +
                   Comment("w.oid", "pg_foreign_data_wrapper") +
                   " FROM pg_catalog.pg_foreign_data_wrapper w WHERE " +
                   UserGlobal("pg_foreign_data_wrapper", "w.oid") + " ORDER BY w.fdwname"));
    for (int i = 0; i < r.rows(); ++i) {
      ForeignDataWrapper w;
      w.oid = GetOid(r, i, 0);
      w.name = r.GetString(i, 1);
      w.owner = r.GetString(i, 2);
      w.handler = OptString(r, i, 3);
      w.validator = OptString(r, i, 4);
      w.options = OptString(r, i, 5);
      w.acl = OptString(r, i, 6);
      w.comment = OptString(r, i, 7);
      m->wrappers.push_back(std::move(w));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT s.oid, s.srvname, pg_catalog.pg_get_userbyid(s.srvowner), w.fdwname, "
                   "s.srvfdw, s.srvtype, s.srvversion, " +
                   OptionsExpr("s.srvoptions") + ", s.srvacl, " +
                   Comment("s.oid", "pg_foreign_server") +
                   " FROM pg_catalog.pg_foreign_server s "
                   "JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE " +
                   UserGlobal("pg_foreign_server", "s.oid") + " ORDER BY s.srvname"));
    for (int i = 0; i < r.rows(); ++i) {
      ForeignServer s;
      s.oid = GetOid(r, i, 0);
      s.name = r.GetString(i, 1);
      s.owner = r.GetString(i, 2);
      s.wrapper = r.GetString(i, 3);
      s.wrapper_oid = GetOid(r, i, 4);
      s.type = OptString(r, i, 5);
      s.version = OptString(r, i, 6);
      s.options = OptString(r, i, 7);
      s.acl = OptString(r, i, 8);
      s.comment = OptString(r, i, 9);
      m->servers.push_back(std::move(s));
    }
  }
  {
    // The view shows the options only to those allowed to see them (superusers, the server's
    // owner, the mapped user), as pg_dump relies on too.
    ASSIGN_OR_RETURN(pg::PgResult r,
                     conn.Query("SELECT u.umid, u.usename, u.umuser = 0, u.srvname, u.srvid, " +
                                OptionsExpr("u.umoptions") +
                                " FROM pg_catalog.pg_user_mappings u WHERE u.srvid >= " +
                                kFirstUserOid + " ORDER BY u.srvname, u.usename"));
    for (int i = 0; i < r.rows(); ++i) {
      UserMapping u;
      u.oid = GetOid(r, i, 0);
      u.user = r.GetString(i, 1);
      u.is_public = r.GetBool(i, 2);
      u.server = r.GetString(i, 3);
      u.server_oid = GetOid(r, i, 4);
      u.options = OptString(r, i, 5);
      m->user_mappings.push_back(std::move(u));
    }
  }
  return Status::Ok();
}

Status ReadPublications(pg::PgConn& conn, MiscObjects* m) {
  std::unordered_map<Oid, size_t> by_oid;
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query(
            std::string("SELECT p.oid, p.pubname, pg_catalog.pg_get_userbyid(p.pubowner) AS owner, "
                        "p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, "
                        "p.pubtruncate, ") +
            (pg::Has(conn.server_version(), pg::Feature::kPublicationViaRoot) ? "p.pubviaroot"
                                                                              : "false") +
            " AS pubviaroot, " +
            // 18: which generated columns are published ('s' stored, 'n' none); none before.
            (pg::Has(conn.server_version(), pg::Feature::kPublicationGeneratedColumns)
                 ? "p.pubgencols"
                 : "'n'") +
            " AS pubgencols, " + Comment("p.oid", "pg_publication") +
            " AS description FROM pg_catalog.pg_publication p WHERE " +
            UserGlobal("pg_publication", "p.oid") + " ORDER BY p.pubname"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      Publication p;
      p.oid = row.GetOid("oid");
      p.name = row.GetString("pubname");
      p.owner = row.GetString("owner");
      p.all_tables = row.GetBool("puballtables");
      p.insert = row.GetBool("pubinsert");
      p.update = row.GetBool("pubupdate");
      p.del = row.GetBool("pubdelete");
      p.truncate = row.GetBool("pubtruncate");
      p.via_root = row.GetBool("pubviaroot");
      p.generated_columns = row.GetChar("pubgencols");
      p.comment = row.Opt("description");
      by_oid[p.oid] = m->publications.size();
      m->publications.push_back(std::move(p));
    }
  }
  if (by_oid.empty()) return Status::Ok();
  {
    // Column lists and row filters exist from PostgreSQL 15.
    const bool v15 = pg::Has(conn.server_version(), pg::Feature::kPublicationSchemas);
    const std::string columns =
        v15 ? "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' "
              "ORDER BY k.ord) FROM pg_catalog.unnest(pr.prattrs) WITH ORDINALITY k(attnum, ord) "
              "JOIN pg_catalog.pg_attribute a ON a.attrelid = pr.prrelid AND "
              "a.attnum = k.attnum)"
            : "NULL::pg_catalog.text";
    const std::string where =
        v15 ? "pg_catalog.pg_get_expr(pr.prqual, pr.prrelid)" : "NULL::pg_catalog.text";
    ASSIGN_OR_RETURN(pg::PgResult r,
                     conn.Query("SELECT pr.oid, pr.prpubid, pr.prrelid, n.nspname, c.relname, " +
                                columns + ", " + where +
                                " FROM pg_catalog.pg_publication_rel pr "
                                "JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid "
                                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " +
                                InUserSchema("pg_class", "c.oid") +
                                " ORDER BY pr.prpubid, n.nspname, c.relname"));
    for (int i = 0; i < r.rows(); ++i) {
      auto it = by_oid.find(GetOid(r, i, 1));
      if (it == by_oid.end()) continue;
      PublicationTable t;
      t.oid = GetOid(r, i, 0);
      t.table_oid = GetOid(r, i, 2);
      t.schema = r.GetString(i, 3);
      t.name = r.GetString(i, 4);
      t.columns = OptString(r, i, 5);
      t.where = OptString(r, i, 6);
      m->publications[it->second].tables.push_back(std::move(t));
    }
  }
  if (pg::Has(conn.server_version(), pg::Feature::kPublicationSchemas)) {
    ASSIGN_OR_RETURN(pg::PgResult r,
                     conn.Query("SELECT pn.oid, pn.pnpubid, pn.pnnspid, n.nspname "
                                "FROM pg_catalog.pg_publication_namespace pn "
                                "JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid "
                                "ORDER BY pn.pnpubid, n.nspname"));
    for (int i = 0; i < r.rows(); ++i) {
      auto it = by_oid.find(GetOid(r, i, 1));
      if (it == by_oid.end()) continue;
      m->publications[it->second].schemas.push_back(
          {GetOid(r, i, 0), GetOid(r, i, 2), r.GetString(i, 3)});
    }
  }
  return Status::Ok();
}

Status ReadSubscriptions(pg::PgConn& conn, MiscObjects* m) {
  // pg_subscription is shared by all databases and its connection strings are for superusers
  // only; a dump by anyone else leaves subscriptions out, as pg_dump does.
  ASSIGN_OR_RETURN(pg::PgResult su, conn.Query("SELECT r.rolsuper FROM pg_catalog.pg_roles r "
                                               "WHERE r.rolname = CURRENT_USER"));
  if (su.rows() != 1 || !su.GetBool(0, 0)) return Status::Ok();
  const int v = conn.server_version();
  const char* streaming = pg::Has(v, pg::Feature::kSubscriptionOrigin) ? "s.substream"
                          : pg::Has(v, pg::Feature::kSubscriptionBinary)
                              ? "CASE WHEN s.substream THEN 't' ELSE 'f' END"
                              : "NULL::pg_catalog.\"char\"";  // no streaming option before 14
  const char* binary = pg::Has(v, pg::Feature::kSubscriptionBinary) ? "s.subbinary" : "false";
  const char* two_phase =
      pg::Has(v, pg::Feature::kSubscriptionTwoPhase) ? "s.subtwophasestate" : "'d'";
  const char* disable =
      pg::Has(v, pg::Feature::kSubscriptionTwoPhase) ? "s.subdisableonerr" : "false";
  // Before 16 a subscription applies changes as its owner, which 16 calls run_as_owner = true;
  // the option does not exist there, so nrestore adds it when such an archive goes into 16+
  // (restore/adapt.cc).
  const char* v16 = pg::Has(v, pg::Feature::kSubscriptionOrigin)
                        ? "s.suborigin, s.subpasswordrequired, s.subrunasowner"
                        : "'any', true, false";
  const char* failover = pg::Has(v, pg::Feature::kSubscriptionFailover) ? "s.subfailover" : "false";
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(std::string("SELECT s.oid, s.subname, pg_catalog.pg_get_userbyid(s.subowner), "
                             "s.subconninfo, s.subslotname, "
                             "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(p), ', ' "
                             "ORDER BY o) FROM pg_catalog.unnest(s.subpublications) WITH "
                             "ORDINALITY u(p, o)), ") +
                 binary + ", " + streaming + ", " + two_phase + ", " + disable +
                 ", s.subsynccommit, " + v16 + ", " + Comment("s.oid", "pg_subscription") + ", " +
                 failover + " AS failover" +
                 " FROM pg_catalog.pg_subscription s WHERE s.subdbid = (SELECT d.oid FROM "
                 "pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) "
                 "ORDER BY s.subname"));
  for (int i = 0; i < r.rows(); ++i) {
    Subscription s;
    s.oid = GetOid(r, i, 0);
    s.name = r.GetString(i, 1);
    s.owner = r.GetString(i, 2);
    s.conninfo = r.GetString(i, 3);
    s.slot_name = OptString(r, i, 4);
    s.publications = r.GetString(i, 5);
    s.binary = r.GetBool(i, 6);
    s.streaming = CharAt(r, i, 7);
    s.two_phase = CharAt(r, i, 8);
    s.disable_on_error = r.GetBool(i, 9);
    s.synchronous_commit = r.GetString(i, 10);
    s.origin = r.GetString(i, 11);
    s.password_required = r.GetBool(i, 12);
    s.run_as_owner = r.GetBool(i, 13);
    s.comment = OptString(r, i, 14);
    s.failover = pg::Row(r, i).GetBool("failover");
    m->subscriptions.push_back(std::move(s));
  }
  return Status::Ok();
}

// `OPERATOR(schema.name)` of an operator OID column, as SQL, NULL when 0.
std::string OperatorRefExpr(const char* column) {
  return std::string(
             "(SELECT 'OPERATOR(' || pg_catalog.quote_ident(rn.nspname) || '.' || "
             "ro.oprname || ')' FROM pg_catalog.pg_operator ro JOIN "
             "pg_catalog.pg_namespace rn ON rn.oid = ro.oprnamespace WHERE ro.oid = ") +
         column + ")";
}

Status ReadOperators(pg::PgConn& conn, MiscObjects* m) {
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT o.oid, n.nspname, o.oprname, pg_catalog.pg_get_userbyid(o.oprowner), "
                 "CASE WHEN o.oprleft <> 0 THEN pg_catalog.format_type(o.oprleft, NULL) END, "
                 "CASE WHEN o.oprright <> 0 THEN pg_catalog.format_type(o.oprright, NULL) END, "
                 "o.oprcode::pg_catalog.regproc::pg_catalog.text, " +
                 OperatorRefExpr("o.oprcom") + ", " + OperatorRefExpr("o.oprnegate") + ", " +
                 ProcExpr("o.oprrest") + ", " + ProcExpr("o.oprjoin") +
                 ", o.oprcanmerge, o.oprcanhash, " + Comment("o.oid", "pg_operator") +
                 " FROM pg_catalog.pg_operator o "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE o.oprcode <> 0 "
                 "AND " +
                 InUserSchema("pg_operator", "o.oid") + " ORDER BY n.nspname, o.oprname, o.oid"));
  for (int i = 0; i < r.rows(); ++i) {
    Operator o;
    o.oid = GetOid(r, i, 0);
    o.schema = r.GetString(i, 1);
    o.name = r.GetString(i, 2);
    o.owner = r.GetString(i, 3);
    o.left = OptString(r, i, 4);
    o.right = OptString(r, i, 5);
    o.function = r.GetString(i, 6);
    o.commutator = OptString(r, i, 7);
    o.negator = OptString(r, i, 8);
    o.restrict_fn = OptString(r, i, 9);
    o.join_fn = OptString(r, i, 10);
    o.merges = r.GetBool(i, 11);
    o.hashes = r.GetBool(i, 12);
    o.comment = OptString(r, i, 13);
    m->operators.push_back(std::move(o));
  }
  return Status::Ok();
}

Status ReadOperatorClasses(pg::PgConn& conn, MiscObjects* m) {
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT a.oid, a.amname, a.amtype, a.amhandler::pg_catalog.regproc::"
                   "pg_catalog.text, " +
                   Comment("a.oid", "pg_am") + " FROM pg_catalog.pg_am a WHERE " +
                   UserGlobal("pg_am", "a.oid") + " ORDER BY a.amname"));
    for (int i = 0; i < r.rows(); ++i) {
      AccessMethod a;
      a.oid = GetOid(r, i, 0);
      a.name = r.GetString(i, 1);
      a.type = CharAt(r, i, 2);
      a.handler = r.GetString(i, 3);
      a.comment = OptString(r, i, 4);
      m->access_methods.push_back(std::move(a));
    }
  }
  std::unordered_map<Oid, size_t> families, classes;
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT f.oid, n.nspname, f.opfname, pg_catalog.pg_get_userbyid(f.opfowner), "
                   "pg_catalog.quote_ident(a.amname), " +
                   Comment("f.oid", "pg_opfamily") +
                   " FROM pg_catalog.pg_opfamily f "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace "
                   "JOIN pg_catalog.pg_am a ON a.oid = f.opfmethod WHERE " +
                   InUserSchema("pg_opfamily", "f.oid") + " ORDER BY n.nspname, f.opfname, 5"));
    for (int i = 0; i < r.rows(); ++i) {
      OpFamily f;
      f.oid = GetOid(r, i, 0);
      f.schema = r.GetString(i, 1);
      f.name = r.GetString(i, 2);
      f.owner = r.GetString(i, 3);
      f.method = r.GetString(i, 4);
      f.comment = OptString(r, i, 5);
      families[f.oid] = m->op_families.size();
      m->op_families.push_back(std::move(f));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT c.oid, n.nspname, c.opcname, pg_catalog.pg_get_userbyid(c.opcowner), "
                   "pg_catalog.quote_ident(a.amname), "
                   "pg_catalog.format_type(c.opcintype, NULL), " +
                   QualifiedExpr("f.opfnamespace", "f.opfname") +
                   ", c.opcdefault, CASE WHEN c.opckeytype <> 0 THEN "
                   "pg_catalog.format_type(c.opckeytype, NULL) END, " +
                   Comment("c.oid", "pg_opclass") +
                   " FROM pg_catalog.pg_opclass c "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace "
                   "JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod "
                   "JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily WHERE " +
                   InUserSchema("pg_opclass", "c.oid") + " ORDER BY n.nspname, c.opcname, 5"));
    for (int i = 0; i < r.rows(); ++i) {
      OpClass c;
      c.oid = GetOid(r, i, 0);
      c.schema = r.GetString(i, 1);
      c.name = r.GetString(i, 2);
      c.owner = r.GetString(i, 3);
      c.method = r.GetString(i, 4);
      c.type = r.GetString(i, 5);
      c.family = r.GetString(i, 6);
      c.is_default = r.GetBool(i, 7);
      c.storage = OptString(r, i, 8);
      c.comment = OptString(r, i, 9);
      classes[c.oid] = m->op_classes.size();
      m->op_classes.push_back(std::move(c));
    }
  }
  if (families.empty() && classes.empty()) return Status::Ok();
  // Members belong to the class or family their pg_depend row points at: a class's own members
  // depend on it, members added with ALTER OPERATOR FAMILY (or moved there by the access method)
  // on the family.
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(
          "SELECT d.refclassid = 'pg_catalog.pg_opclass'::pg_catalog.regclass, d.refobjid, "
          "false, o.oid, o.amopstrategy, o.amopopr::pg_catalog.regoperator::pg_catalog.text, "
          "pg_catalog.format_type(o.amoplefttype, NULL), "
          "pg_catalog.format_type(o.amoprighttype, NULL), CASE WHEN o.amoppurpose = 'o' THEN " +
          QualifiedExpr("sf.opfnamespace", "sf.opfname") +
          " END FROM pg_catalog.pg_amop o "
          "JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_amop'::pg_catalog.regclass "
          "AND d.objid = o.oid AND d.refclassid IN ('pg_catalog.pg_opclass'::pg_catalog.regclass, "
          "'pg_catalog.pg_opfamily'::pg_catalog.regclass) "
          "LEFT JOIN pg_catalog.pg_opfamily sf ON sf.oid = o.amopsortfamily "
          "WHERE o.oid >= " +
          std::string(kFirstUserOid) +
          " UNION ALL "
          "SELECT d.refclassid = 'pg_catalog.pg_opclass'::pg_catalog.regclass, d.refobjid, "
          "true, p.oid, p.amprocnum, p.amproc::pg_catalog.regprocedure::pg_catalog.text, "
          "pg_catalog.format_type(p.amproclefttype, NULL), "
          "pg_catalog.format_type(p.amprocrighttype, NULL), NULL "
          "FROM pg_catalog.pg_amproc p "
          "JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_amproc'::pg_catalog.regclass "
          "AND d.objid = p.oid AND d.refclassid IN ('pg_catalog.pg_opclass'::pg_catalog.regclass, "
          "'pg_catalog.pg_opfamily'::pg_catalog.regclass) "
          "WHERE p.oid >= " +
          kFirstUserOid + " ORDER BY 2, 3, 5, 4"));
  for (int i = 0; i < r.rows(); ++i) {
    OpMember mem;
    mem.is_function = r.GetBool(i, 2);
    mem.oid = GetOid(r, i, 3);
    mem.number = static_cast<int>(r.GetInt(i, 4));
    mem.object = r.GetString(i, 5);
    mem.left = r.GetString(i, 6);
    mem.right = r.GetString(i, 7);
    mem.sort_family = OptString(r, i, 8);
    const Oid owner = GetOid(r, i, 1);
    if (r.GetBool(i, 0)) {
      auto it = classes.find(owner);
      if (it != classes.end()) m->op_classes[it->second].members.push_back(std::move(mem));
    } else {
      auto it = families.find(owner);
      if (it != families.end()) m->op_families[it->second].members.push_back(std::move(mem));
    }
  }
  return Status::Ok();
}

Status ReadConversions(pg::PgConn& conn, MiscObjects* m) {
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT c.oid, n.nspname, c.conname, pg_catalog.pg_get_userbyid(c.conowner), "
                 "pg_catalog.pg_encoding_to_char(c.conforencoding), "
                 "pg_catalog.pg_encoding_to_char(c.contoencoding), "
                 "c.conproc::pg_catalog.regproc::pg_catalog.text, c.condefault, " +
                 Comment("c.oid", "pg_conversion") +
                 " FROM pg_catalog.pg_conversion c "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace WHERE " +
                 InUserSchema("pg_conversion", "c.oid") + " ORDER BY n.nspname, c.conname"));
  for (int i = 0; i < r.rows(); ++i) {
    Conversion c;
    c.oid = GetOid(r, i, 0);
    c.schema = r.GetString(i, 1);
    c.name = r.GetString(i, 2);
    c.owner = r.GetString(i, 3);
    c.from_encoding = r.GetString(i, 4);
    c.to_encoding = r.GetString(i, 5);
    c.function = r.GetString(i, 6);
    c.is_default = r.GetBool(i, 7);
    c.comment = OptString(r, i, 8);
    m->conversions.push_back(std::move(c));
  }
  return Status::Ok();
}

Status ReadLargeObjects(pg::PgConn& conn, MiscObjects* m) {
  // The groups are made by the server: one row per group, its OIDs as text, so the client never
  // holds a row (nor a PGresult tuple) per large object.
  const std::string size = std::to_string(kLargeObjectGroupSize);
  ASSIGN_OR_RETURN(
      pg::PgResult g,
      conn.Query("SELECT pg_catalog.pg_get_userbyid(lomowner) AS owner, "
                 "pg_catalog.string_agg(oid::pg_catalog.text, ',' ORDER BY oid) AS oids "
                 "FROM (SELECT l.oid, l.lomowner, (pg_catalog.row_number() OVER "
                 "(PARTITION BY l.lomowner ORDER BY l.oid) - 1) / " +
                 size +
                 " AS grp FROM pg_catalog.pg_largeobject_metadata l) s "
                 "GROUP BY lomowner, grp ORDER BY pg_catalog.min(oid)"));
  const int owner_col = g.Col("owner");
  const int oids_col = g.Col("oids");
  m->large_object_groups.reserve(static_cast<size_t>(g.rows()));
  for (int i = 0; i < g.rows(); ++i) {
    LargeObjectGroup group;
    group.owner = g.GetString(i, owner_col);
    const std::string_view list = g.Get(i, oids_col);
    Oid oid = 0;
    for (char c : list) {
      if (c == ',') {
        group.oids.push_back(oid);
        oid = 0;
      } else {
        oid = oid * 10 + static_cast<Oid>(c - '0');
      }
    }
    group.oids.push_back(oid);
    m->large_object_groups.push_back(std::move(group));
  }
  // Only the large objects that have privileges, a comment or a security label are listed one by
  // one (the label itself is read with the others' labels).
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT l.oid, l.lomacl, " + Comment("l.oid", "pg_largeobject") +
                 " FROM pg_catalog.pg_largeobject_metadata l WHERE l.lomacl IS NOT NULL OR "
                 "EXISTS (SELECT 1 FROM pg_catalog.pg_description d WHERE d.objoid = l.oid AND "
                 "d.classoid = 'pg_catalog.pg_largeobject'::pg_catalog.regclass) OR "
                 "EXISTS (SELECT 1 FROM pg_catalog.pg_seclabel s WHERE s.objoid = l.oid AND "
                 "s.classoid = 'pg_catalog.pg_largeobject'::pg_catalog.regclass) ORDER BY l.oid"));
  for (int i = 0; i < r.rows(); ++i) {
    LargeObject lo;
    lo.oid = GetOid(r, i, 0);
    lo.acl = OptString(r, i, 1);
    lo.comment = OptString(r, i, 2);
    m->large_objects.push_back(std::move(lo));
  }
  return Status::Ok();
}

}  // namespace

Status ReadMiscObjects(pg::PgConn& conn, Catalog* catalog) {
  MiscObjects* m = &catalog->misc;
  RETURN_IF_ERROR(ReadCollations(conn, m));
  RETURN_IF_ERROR(ReadRangeAndShellTypes(conn, m));
  RETURN_IF_ERROR(ReadTextSearch(conn, m));
  RETURN_IF_ERROR(ReadStatistics(conn, m));
  RETURN_IF_ERROR(ReadDefaultAcls(conn, m));
  RETURN_IF_ERROR(ReadForeignData(conn, m));
  RETURN_IF_ERROR(ReadPublications(conn, m));
  RETURN_IF_ERROR(ReadSubscriptions(conn, m));
  RETURN_IF_ERROR(ReadOperators(conn, m));
  RETURN_IF_ERROR(ReadOperatorClasses(conn, m));
  RETURN_IF_ERROR(ReadConversions(conn, m));
  RETURN_IF_ERROR(ReadLargeObjects(conn, m));
  return Status::Ok();
}

}  // namespace libdump::catalog
