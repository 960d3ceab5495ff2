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

// The object's comment, as the select-list column `comment`.
std::string Comment(const char* oid_expr, const char* catalog) {
  return std::string("pg_catalog.obj_description(") + oid_expr + ", '" + catalog + "') AS comment";
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
                             "pg_catalog.pg_get_userbyid(c.collowner) AS owner, c.collprovider, "
                             "c.collisdeterministic, c.collcollate, c.collctype, ") +
                 icu + " AS locale, " + rules + " AS icu_rules, " +
                 Comment("c.oid", "pg_collation") +
                 " FROM pg_catalog.pg_collation c "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace WHERE " +
                 InUserSchema("pg_collation", "c.oid") + " ORDER BY n.nspname, c.collname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Collation c;
    c.oid = row.GetOid("oid");
    c.schema = row.GetString("nspname");
    c.name = row.GetString("collname");
    c.owner = row.GetString("owner");
    c.provider = row.GetChar("collprovider");
    c.deterministic = row.GetBool("collisdeterministic");
    c.locale = row.Opt("locale");
    if (c.provider == 'c') {
      c.collate = row.Opt("collcollate");
      c.ctype = row.Opt("collctype");
    }
    c.icu_rules = row.Opt("icu_rules");
    c.comment = row.Opt("comment");
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
        conn.Query("SELECT t.oid, t.typarray, " + multirange +
                   " AS multirange_oid, mt.typarray AS multirange_array_oid, n.nspname, t.typname, "
                   "pg_catalog.pg_get_userbyid(t.typowner) AS owner, "
                   "pg_catalog.format_type(rg.rngsubtype, NULL) AS subtype, " +
                   QualifiedExpr("mt.typnamespace", "mt.typname") +
                   " AS multirange_name, CASE WHEN NOT opc.opcdefault THEN " +
                   QualifiedExpr("opc.opcnamespace", "opc.opcname") +
                   " END AS opclass, CASE WHEN rg.rngcollation <> 0 AND "
                   "rg.rngcollation <> st.typcollation THEN " +
                   QualifiedExpr("co.collnamespace", "co.collname") + " END AS collation, " +
                   ProcExpr("rg.rngcanonical") + " AS canonical, " + ProcExpr("rg.rngsubdiff") +
                   " AS subtype_diff, t.typacl, " + Comment("t.oid", "pg_type") +
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
      const pg::Row row(r, i);
      RangeType t;
      t.oid = row.GetOid("oid");
      t.array_oid = row.GetOid("typarray");
      t.multirange_oid = row.GetOid("multirange_oid");
      t.multirange_array_oid = row.GetOid("multirange_array_oid");
      t.schema = row.GetString("nspname");
      t.name = row.GetString("typname");
      t.owner = row.GetString("owner");
      t.subtype = row.GetString("subtype");
      if (!row.IsNull("multirange_name")) t.multirange_name = row.GetString("multirange_name");
      t.opclass = row.Opt("opclass");
      t.collation = row.Opt("collation");
      t.canonical = row.Opt("canonical");
      t.subtype_diff = row.Opt("subtype_diff");
      t.acl = row.Opt("typacl");
      t.comment = row.Opt("comment");
      m->ranges.push_back(std::move(t));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT t.oid, n.nspname, t.typname, "
                   "pg_catalog.pg_get_userbyid(t.typowner) AS owner, " +
                   Comment("t.oid", "pg_type") +
                   " FROM pg_catalog.pg_type t "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                   "WHERE t.typtype = 'p' AND NOT t.typisdefined AND " +
                   InUserSchema("pg_type", "t.oid") + " ORDER BY n.nspname, t.typname"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      ShellType s;
      s.oid = row.GetOid("oid");
      s.schema = row.GetString("nspname");
      s.name = row.GetString("typname");
      s.owner = row.GetString("owner");
      s.comment = row.Opt("comment");
      m->shells.push_back(std::move(s));
    }
  }
  return Status::Ok();
}

Status ReadTextSearch(pg::PgConn& conn, MiscObjects* m) {
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT p.oid, n.nspname, p.prsname, " + ProcExpr("p.prsstart") + " AS start, " +
                   ProcExpr("p.prstoken") + " AS gettoken, " + ProcExpr("p.prsend") +
                   " AS end_fn, " + ProcExpr("p.prslextype") + " AS lextypes, " +
                   ProcExpr("p.prsheadline") + " AS headline, " + Comment("p.oid", "pg_ts_parser") +
                   " FROM pg_catalog.pg_ts_parser p "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = p.prsnamespace WHERE " +
                   InUserSchema("pg_ts_parser", "p.oid") + " ORDER BY n.nspname, p.prsname"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      TsParser p;
      p.oid = row.GetOid("oid");
      p.schema = row.GetString("nspname");
      p.name = row.GetString("prsname");
      p.start = row.GetString("start");
      p.gettoken = row.GetString("gettoken");
      p.end = row.GetString("end_fn");
      p.lextypes = row.GetString("lextypes");
      p.headline = row.Opt("headline");
      p.comment = row.Opt("comment");
      m->ts_parsers.push_back(std::move(p));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT t.oid, n.nspname, t.tmplname, " + ProcExpr("t.tmplinit") + " AS init, " +
                   ProcExpr("t.tmpllexize") + " AS lexize, " + Comment("t.oid", "pg_ts_template") +
                   " FROM pg_catalog.pg_ts_template t "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = t.tmplnamespace WHERE " +
                   InUserSchema("pg_ts_template", "t.oid") + " ORDER BY n.nspname, t.tmplname"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      TsTemplate t;
      t.oid = row.GetOid("oid");
      t.schema = row.GetString("nspname");
      t.name = row.GetString("tmplname");
      t.init = row.Opt("init");
      t.lexize = row.GetString("lexize");
      t.comment = row.Opt("comment");
      m->ts_templates.push_back(std::move(t));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT d.oid, n.nspname, d.dictname, "
                   "pg_catalog.pg_get_userbyid(d.dictowner) AS owner, " +
                   QualifiedExpr("t.tmplnamespace", "t.tmplname") +
                   " AS template_name, "
                   "d.dictinitoption, " +
                   Comment("d.oid", "pg_ts_dict") +
                   " FROM pg_catalog.pg_ts_dict d "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = d.dictnamespace "
                   "JOIN pg_catalog.pg_ts_template t ON t.oid = d.dicttemplate WHERE " +
                   InUserSchema("pg_ts_dict", "d.oid") + " ORDER BY n.nspname, d.dictname"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      TsDictionary d;
      d.oid = row.GetOid("oid");
      d.schema = row.GetString("nspname");
      d.name = row.GetString("dictname");
      d.owner = row.GetString("owner");
      d.template_name = row.GetString("template_name");
      d.options = row.Opt("dictinitoption");
      d.comment = row.Opt("comment");
      m->ts_dictionaries.push_back(std::move(d));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT c.oid, n.nspname, c.cfgname, pg_catalog.pg_get_userbyid(c.cfgowner) AS "
                   "owner, " +
                   QualifiedExpr("p.prsnamespace", "p.prsname") + " AS parser, " +
                   Comment("c.oid", "pg_ts_config") +
                   " FROM pg_catalog.pg_ts_config c "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace "
                   "JOIN pg_catalog.pg_ts_parser p ON p.oid = c.cfgparser WHERE " +
                   InUserSchema("pg_ts_config", "c.oid") + " ORDER BY n.nspname, c.cfgname"));
    std::unordered_map<Oid, size_t> by_oid;
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      TsConfig c;
      c.oid = row.GetOid("oid");
      c.schema = row.GetString("nspname");
      c.name = row.GetString("cfgname");
      c.owner = row.GetString("owner");
      c.parser = row.GetString("parser");
      c.comment = row.Opt("comment");
      by_oid[c.oid] = m->ts_configs.size();
      m->ts_configs.push_back(std::move(c));
    }
    if (!by_oid.empty()) {
      // Token type names come from the parser's lextype function; one lateral call per
      // configuration inside the one query.
      ASSIGN_OR_RETURN(
          pg::PgResult mp,
          conn.Query("SELECT m.mapcfg, m.maptokentype, pg_catalog.quote_ident(tt.alias) AS token, "
                     "m.mapdict::pg_catalog.regdictionary::pg_catalog.text AS dictionary "
                     "FROM pg_catalog.pg_ts_config_map m "
                     "JOIN pg_catalog.pg_ts_config c ON c.oid = m.mapcfg "
                     "CROSS JOIN LATERAL pg_catalog.ts_token_type(c.cfgparser) tt "
                     "WHERE tt.tokid = m.maptokentype AND m.mapcfg >= " +
                     std::string(kFirstUserOid) +
                     " ORDER BY m.mapcfg, m.maptokentype, m.mapseqno"));
      int64_t last_token = -1;
      Oid last_cfg = 0;
      for (int i = 0; i < mp.rows(); ++i) {
        const pg::Row mapping(mp, i);
        auto it = by_oid.find(mapping.GetOid("mapcfg"));
        if (it == by_oid.end()) continue;
        TsConfig& c = m->ts_configs[it->second];
        const int64_t token = mapping.GetInt("maptokentype");
        if (c.oid != last_cfg || token != last_token || c.mappings.empty()) {
          c.mappings.push_back({mapping.GetString("token"), {}});
        }
        c.mappings.back().dictionaries.push_back(mapping.GetString("dictionary"));
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
      conn.Query(
          "SELECT s.oid, n.nspname, s.stxname, pg_catalog.pg_get_userbyid(s.stxowner) AS owner, "
          "pg_catalog.pg_get_statisticsobjdef(s.oid) AS definition, " +
          target + " AS stat_target, " + Comment("s.oid", "pg_statistic_ext") +
          ", s.stxrelid FROM pg_catalog.pg_statistic_ext s "
          "JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace WHERE " +
          InUserSchema("pg_statistic_ext", "s.oid") + " ORDER BY n.nspname, s.stxname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    ExtStatistics s;
    s.oid = row.GetOid("oid");
    s.schema = row.GetString("nspname");
    s.name = row.GetString("stxname");
    s.owner = row.GetString("owner");
    s.definition = row.GetString("definition");
    s.stat_target = static_cast<int>(row.GetInt("stat_target"));
    s.comment = row.Opt("comment");
    s.table_oid = row.GetOid("stxrelid");
    m->statistics.push_back(std::move(s));
  }
  return Status::Ok();
}

Status ReadDefaultAcls(pg::PgConn& conn, MiscObjects* m) {
  ASSIGN_OR_RETURN(pg::PgResult r,
                   conn.Query("SELECT d.oid, pg_catalog.pg_get_userbyid(d.defaclrole) AS role, "
                              "n.nspname, d.defaclobjtype, d.defaclacl "
                              "FROM pg_catalog.pg_default_acl d "
                              "LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace "
                              "ORDER BY 2, 3 NULLS FIRST, 4"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    DefaultAcl d;
    d.oid = row.GetOid("oid");
    d.role = row.GetString("role");
    d.schema = row.GetString("nspname");  // "" for NULL: database-wide
    d.object_type = row.GetChar("defaclobjtype");
    d.acl = row.GetString("defaclacl");
    m->default_acls.push_back(std::move(d));
  }
  return Status::Ok();
}

Status ReadForeignData(pg::PgConn& conn, MiscObjects* m) {
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT w.oid, w.fdwname, pg_catalog.pg_get_userbyid(w.fdwowner) AS owner, " +
                   ProcExpr("w.fdwhandler") + " AS handler, " + ProcExpr("w.fdwvalidator") +
                   " AS validator, " + OptionsExpr("w.fdwoptions") + " AS options, w.fdwacl, " +
                   Comment("w.oid", "pg_foreign_data_wrapper") +
                   " FROM pg_catalog.pg_foreign_data_wrapper w WHERE " +
                   UserGlobal("pg_foreign_data_wrapper", "w.oid") + " ORDER BY w.fdwname"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      ForeignDataWrapper w;
      w.oid = row.GetOid("oid");
      w.name = row.GetString("fdwname");
      w.owner = row.GetString("owner");
      w.handler = row.Opt("handler");
      w.validator = row.Opt("validator");
      w.options = row.Opt("options");
      w.acl = row.Opt("fdwacl");
      w.comment = row.Opt("comment");
      m->wrappers.push_back(std::move(w));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query(
            "SELECT s.oid, s.srvname, pg_catalog.pg_get_userbyid(s.srvowner) AS owner, w.fdwname, "
            "s.srvfdw, s.srvtype, s.srvversion, " +
            OptionsExpr("s.srvoptions") + " AS options, s.srvacl, " +
            Comment("s.oid", "pg_foreign_server") +
            " FROM pg_catalog.pg_foreign_server s "
            "JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE " +
            UserGlobal("pg_foreign_server", "s.oid") + " ORDER BY s.srvname"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      ForeignServer s;
      s.oid = row.GetOid("oid");
      s.name = row.GetString("srvname");
      s.owner = row.GetString("owner");
      s.wrapper = row.GetString("fdwname");
      s.wrapper_oid = row.GetOid("srvfdw");
      s.type = row.Opt("srvtype");
      s.version = row.Opt("srvversion");
      s.options = row.Opt("options");
      s.acl = row.Opt("srvacl");
      s.comment = row.Opt("comment");
      m->servers.push_back(std::move(s));
    }
  }
  {
    // The view shows the options only to those allowed to see them (superusers, the server's
    // owner, the mapped user), as pg_dump relies on too.
    ASSIGN_OR_RETURN(pg::PgResult r,
                     conn.Query("SELECT u.umid, u.usename, u.umuser = 0 AS is_public, u.srvname, "
                                "u.srvid, " +
                                OptionsExpr("u.umoptions") + " AS options" +
                                " FROM pg_catalog.pg_user_mappings u WHERE u.srvid >= " +
                                kFirstUserOid + " ORDER BY u.srvname, u.usename"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      UserMapping u;
      u.oid = row.GetOid("umid");
      u.user = row.GetString("usename");
      u.is_public = row.GetBool("is_public");
      u.server = row.GetString("srvname");
      u.server_oid = row.GetOid("srvid");
      u.options = row.Opt("options");
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
            " AS via_root, " +
            // 18: which generated columns are published ('s' stored, 'n' none); none before.
            (pg::Has(conn.server_version(), pg::Feature::kPublicationGeneratedColumns)
                 ? "p.pubgencols"
                 : "'n'") +
            " AS pubgencols, " + Comment("p.oid", "pg_publication") +
            " FROM pg_catalog.pg_publication p WHERE " + UserGlobal("pg_publication", "p.oid") +
            " ORDER BY p.pubname"));
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
      p.via_root = row.GetBool("via_root");
      p.generated_columns = row.GetChar("pubgencols");
      p.comment = row.Opt("comment");
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
                                columns + " AS columns, " + where + " AS row_filter" +
                                " FROM pg_catalog.pg_publication_rel pr "
                                "JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid "
                                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " +
                                InUserSchema("pg_class", "c.oid") +
                                " ORDER BY pr.prpubid, n.nspname, c.relname"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      auto it = by_oid.find(row.GetOid("prpubid"));
      if (it == by_oid.end()) continue;
      PublicationTable t;
      t.oid = row.GetOid("oid");
      t.table_oid = row.GetOid("prrelid");
      t.schema = row.GetString("nspname");
      t.name = row.GetString("relname");
      t.columns = row.Opt("columns");
      t.where = row.Opt("row_filter");
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
      const pg::Row row(r, i);
      auto it = by_oid.find(row.GetOid("pnpubid"));
      if (it == by_oid.end()) continue;
      m->publications[it->second].schemas.push_back(
          {row.GetOid("oid"), row.GetOid("pnnspid"), row.GetString("nspname")});
    }
  }
  return Status::Ok();
}

Status ReadSubscriptions(pg::PgConn& conn, MiscObjects* m) {
  // pg_subscription is shared by all databases and its connection strings are for superusers
  // only; a dump by anyone else leaves subscriptions out, as pg_dump does.
  ASSIGN_OR_RETURN(pg::PgResult su, conn.Query("SELECT r.rolsuper FROM pg_catalog.pg_roles r "
                                               "WHERE r.rolname = CURRENT_USER"));
  if (su.rows() != 1 || !pg::Row(su, 0).GetBool("rolsuper")) return Status::Ok();
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
                        ? "s.suborigin AS origin, s.subpasswordrequired AS password_required, "
                          "s.subrunasowner AS run_as_owner"
                        : "'any' AS origin, true AS password_required, false AS run_as_owner";
  const char* failover = pg::Has(v, pg::Feature::kSubscriptionFailover) ? "s.subfailover" : "false";
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(
          std::string("SELECT s.oid, s.subname, pg_catalog.pg_get_userbyid(s.subowner) AS owner, "
                      "s.subconninfo, s.subslotname, "
                      "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(p), ', ' "
                      "ORDER BY o) FROM pg_catalog.unnest(s.subpublications) WITH "
                      "ORDINALITY u(p, o)) AS publications, ") +
          binary + " AS binary, " + streaming + " AS streaming, " + two_phase + " AS two_phase, " +
          disable + " AS disable_on_error" + ", s.subsynccommit, " + v16 + ", " +
          Comment("s.oid", "pg_subscription") + ", " + failover + " AS failover" +
          " FROM pg_catalog.pg_subscription s WHERE s.subdbid = (SELECT d.oid FROM "
          "pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) "
          "ORDER BY s.subname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Subscription s;
    s.oid = row.GetOid("oid");
    s.name = row.GetString("subname");
    s.owner = row.GetString("owner");
    s.conninfo = row.GetString("subconninfo");
    s.slot_name = row.Opt("subslotname");
    s.publications = row.GetString("publications");
    s.binary = row.GetBool("binary");
    s.streaming = row.GetChar("streaming");
    s.two_phase = row.GetChar("two_phase");
    s.disable_on_error = row.GetBool("disable_on_error");
    s.synchronous_commit = row.GetString("subsynccommit");
    s.origin = row.GetString("origin");
    s.password_required = row.GetBool("password_required");
    s.run_as_owner = row.GetBool("run_as_owner");
    s.comment = row.Opt("comment");
    s.failover = row.GetBool("failover");
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
      conn.Query(
          "SELECT o.oid, n.nspname, o.oprname, pg_catalog.pg_get_userbyid(o.oprowner) AS owner, "
          "CASE WHEN o.oprleft <> 0 THEN pg_catalog.format_type(o.oprleft, NULL) END "
          "AS left_type, "
          "CASE WHEN o.oprright <> 0 THEN pg_catalog.format_type(o.oprright, NULL) END "
          "AS right_type, o.oprcode::pg_catalog.regproc::pg_catalog.text AS function, " +
          OperatorRefExpr("o.oprcom") + " AS commutator, " + OperatorRefExpr("o.oprnegate") +
          " AS negator, " + ProcExpr("o.oprrest") + " AS restrict_fn, " + ProcExpr("o.oprjoin") +
          " AS join_fn, o.oprcanmerge, o.oprcanhash, " + Comment("o.oid", "pg_operator") +
          " FROM pg_catalog.pg_operator o "
          "JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE o.oprcode <> 0 "
          "AND " +
          InUserSchema("pg_operator", "o.oid") + " ORDER BY n.nspname, o.oprname, o.oid"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Operator o;
    o.oid = row.GetOid("oid");
    o.schema = row.GetString("nspname");
    o.name = row.GetString("oprname");
    o.owner = row.GetString("owner");
    o.left = row.Opt("left_type");
    o.right = row.Opt("right_type");
    o.function = row.GetString("function");
    o.commutator = row.Opt("commutator");
    o.negator = row.Opt("negator");
    o.restrict_fn = row.Opt("restrict_fn");
    o.join_fn = row.Opt("join_fn");
    o.merges = row.GetBool("oprcanmerge");
    o.hashes = row.GetBool("oprcanhash");
    o.comment = row.Opt("comment");
    m->operators.push_back(std::move(o));
  }
  return Status::Ok();
}

Status ReadOperatorClasses(pg::PgConn& conn, MiscObjects* m) {
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query("SELECT a.oid, a.amname, a.amtype, a.amhandler::pg_catalog.regproc::"
                   "pg_catalog.text AS handler, " +
                   Comment("a.oid", "pg_am") + " FROM pg_catalog.pg_am a WHERE " +
                   UserGlobal("pg_am", "a.oid") + " ORDER BY a.amname"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      AccessMethod a;
      a.oid = row.GetOid("oid");
      a.name = row.GetString("amname");
      a.type = row.GetChar("amtype");
      a.handler = row.GetString("handler");
      a.comment = row.Opt("comment");
      m->access_methods.push_back(std::move(a));
    }
  }
  std::unordered_map<Oid, size_t> families, classes;
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query(
            "SELECT f.oid, n.nspname, f.opfname, pg_catalog.pg_get_userbyid(f.opfowner) AS owner, "
            "pg_catalog.quote_ident(a.amname) AS method, " +
            Comment("f.oid", "pg_opfamily") +
            " FROM pg_catalog.pg_opfamily f "
            "JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace "
            "JOIN pg_catalog.pg_am a ON a.oid = f.opfmethod WHERE " +
            InUserSchema("pg_opfamily", "f.oid") + " ORDER BY n.nspname, f.opfname, 5"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      OpFamily f;
      f.oid = row.GetOid("oid");
      f.schema = row.GetString("nspname");
      f.name = row.GetString("opfname");
      f.owner = row.GetString("owner");
      f.method = row.GetString("method");
      f.comment = row.Opt("comment");
      families[f.oid] = m->op_families.size();
      m->op_families.push_back(std::move(f));
    }
  }
  {
    ASSIGN_OR_RETURN(
        pg::PgResult r,
        conn.Query(
            "SELECT c.oid, n.nspname, c.opcname, pg_catalog.pg_get_userbyid(c.opcowner) AS owner, "
            "pg_catalog.quote_ident(a.amname) AS method, "
            "pg_catalog.format_type(c.opcintype, NULL) AS type, " +
            QualifiedExpr("f.opfnamespace", "f.opfname") +
            " AS family, c.opcdefault, CASE WHEN c.opckeytype <> 0 THEN "
            "pg_catalog.format_type(c.opckeytype, NULL) END AS storage, " +
            Comment("c.oid", "pg_opclass") +
            " FROM pg_catalog.pg_opclass c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace "
            "JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod "
            "JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily WHERE " +
            InUserSchema("pg_opclass", "c.oid") + " ORDER BY n.nspname, c.opcname, 5"));
    for (int i = 0; i < r.rows(); ++i) {
      const pg::Row row(r, i);
      OpClass c;
      c.oid = row.GetOid("oid");
      c.schema = row.GetString("nspname");
      c.name = row.GetString("opcname");
      c.owner = row.GetString("owner");
      c.method = row.GetString("method");
      c.type = row.GetString("type");
      c.family = row.GetString("family");
      c.is_default = row.GetBool("opcdefault");
      c.storage = row.Opt("storage");
      c.comment = row.Opt("comment");
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
          "SELECT d.refclassid = 'pg_catalog.pg_opclass'::pg_catalog.regclass AS of_class, "
          "d.refobjid, false AS is_function, o.oid, o.amopstrategy AS number, "
          "o.amopopr::pg_catalog.regoperator::pg_catalog.text AS object, "
          "pg_catalog.format_type(o.amoplefttype, NULL) AS left_type, "
          "pg_catalog.format_type(o.amoprighttype, NULL) AS right_type, "
          "CASE WHEN o.amoppurpose = 'o' THEN " +
          QualifiedExpr("sf.opfnamespace", "sf.opfname") +
          " END AS sort_family FROM pg_catalog.pg_amop o "
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
    const pg::Row row(r, i);
    OpMember mem;
    mem.is_function = row.GetBool("is_function");
    mem.oid = row.GetOid("oid");
    mem.number = static_cast<int>(row.GetInt("number"));
    mem.object = row.GetString("object");
    mem.left = row.GetString("left_type");
    mem.right = row.GetString("right_type");
    mem.sort_family = row.Opt("sort_family");
    const Oid owner = row.GetOid("refobjid");
    if (row.GetBool("of_class")) {
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
      conn.Query(
          "SELECT c.oid, n.nspname, c.conname, pg_catalog.pg_get_userbyid(c.conowner) AS owner, "
          "pg_catalog.pg_encoding_to_char(c.conforencoding) AS from_encoding, "
          "pg_catalog.pg_encoding_to_char(c.contoencoding) AS to_encoding, "
          "c.conproc::pg_catalog.regproc::pg_catalog.text AS function, c.condefault, " +
          Comment("c.oid", "pg_conversion") +
          " FROM pg_catalog.pg_conversion c "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace WHERE " +
          InUserSchema("pg_conversion", "c.oid") + " ORDER BY n.nspname, c.conname"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Conversion c;
    c.oid = row.GetOid("oid");
    c.schema = row.GetString("nspname");
    c.name = row.GetString("conname");
    c.owner = row.GetString("owner");
    c.from_encoding = row.GetString("from_encoding");
    c.to_encoding = row.GetString("to_encoding");
    c.function = row.GetString("function");
    c.is_default = row.GetBool("condefault");
    c.comment = row.Opt("comment");
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
    const pg::Row row(r, i);
    LargeObject lo;
    lo.oid = row.GetOid("oid");
    lo.acl = row.Opt("lomacl");
    lo.comment = row.Opt("comment");
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
