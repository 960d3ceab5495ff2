// The "misc" family: collations, range and shell types, text search objects, operators and
// their classes and families, access methods, conversions, foreign-data wrappers, servers, user
// mappings (pre-data); large objects (pre-data, contents in the data section); extended
// statistics, publications, subscriptions and default privileges (post-data, as pg_dump has
// them).
#include <unordered_map>

#include "ddl/acl.h"
#include "ddl/ddl_misc.h"
#include "dump/toc_builder_internal.h"
#include "pg/pg.h"
#include "pg/server_versions.h"

namespace libdump::dump {

using kinds::Kind;
using kinds::NameOf;

using catalog::Oid;
using format::Section;
using pg::QualifiedName;
using pg::QuoteIdent;

namespace {

// Catalogs only this family registers objects of (see cls:: for the shared ones).
constexpr Oid kAmOp = 2602;
constexpr Oid kAmProc = 2603;
constexpr Oid kPublicationRel = 6106;
constexpr Oid kPublicationNamespace = 6237;
constexpr Oid kUserMapping = 1418;
constexpr Oid kSubscription = 6100;
constexpr Oid kLargeObject = 2613;

}  // namespace

void TocBuilder::AddMiscObjects() {
  const catalog::MiscObjects& m = cat_.misc;

  // One object's entry, owner, registration and comment. `schema` is "" for objects outside any
  // schema, `owner` "" for kinds without one (no ALTER ... OWNER then). `what` is how SQL names
  // the kind (COLLATION, TEXT SEARCH DICTIONARY, ...), `object` the object as ALTER and COMMENT
  // name it after `what`.
  auto add_object = [&](Kind kind, Section section, const std::string& schema,
                        const std::string& name, const std::string& owner, std::string sql,
                        const std::string& object, Oid classid, Oid oid,
                        const std::optional<std::string>& comment) {
    const std::string what(NameOf(kind));
    const uint32_t id = Add(kind, section, schema, name, owner, std::move(sql),
                            "DROP " + what + " " + object + ";\n", {SchemaId(schema)});
    if (!owner.empty()) Entry(id).owner_object = what + " " + object;
    Entry(id).catalog_oid = oid;
    Register(classid, oid, id);
    AddComment(comment, id, what + " " + object, what + " " + name);
    return id;
  };

  for (const auto& c : m.collations) {
    add_object(Kind::kCollation, Section::kPreData, c.schema, c.name, c.owner,
               ddl::CreateCollation(c), QualifiedName(c.schema, c.name), cls::kCollation, c.oid,
               c.comment);
  }

  for (const auto& t : m.ranges) {
    const std::string qname = QualifiedName(t.schema, t.name);
    const uint32_t id = add_object(Kind::kType, Section::kPreData, t.schema, t.name, t.owner,
                                   ddl::CreateRangeType(t), qname, cls::kType, t.oid, t.comment);
    // The range's array, its multirange and the multirange's array come with it.
    Register(cls::kType, t.array_oid, id);
    Register(cls::kType, t.multirange_oid, id);
    Register(cls::kType, t.multirange_array_oid, id);
    AddAcl(t.acl, id, "TYPE", qname, "TYPE " + t.name);
  }
  for (const auto& t : m.shells) {
    add_object(Kind::kType, Section::kPreData, t.schema, t.name, t.owner, ddl::CreateShellType(t),
               QualifiedName(t.schema, t.name), cls::kType, t.oid, t.comment);
  }

  // Text search parsers and templates have no owner.
  for (const auto& p : m.ts_parsers) {
    add_object(Kind::kTextSearchParser, Section::kPreData, p.schema, p.name, "",
               ddl::CreateTsParser(p), QualifiedName(p.schema, p.name), cls::kTsParser, p.oid,
               p.comment);
  }
  for (const auto& t : m.ts_templates) {
    add_object(Kind::kTextSearchTemplate, Section::kPreData, t.schema, t.name, "",
               ddl::CreateTsTemplate(t), QualifiedName(t.schema, t.name), cls::kTsTemplate, t.oid,
               t.comment);
  }
  for (const auto& d : m.ts_dictionaries) {
    add_object(Kind::kTextSearchDictionary, Section::kPreData, d.schema, d.name, d.owner,
               ddl::CreateTsDictionary(d), QualifiedName(d.schema, d.name), cls::kTsDict, d.oid,
               d.comment);
  }
  for (const auto& c : m.ts_configs) {
    add_object(Kind::kTextSearchConfiguration, Section::kPreData, c.schema, c.name, c.owner,
               ddl::CreateTsConfig(c), QualifiedName(c.schema, c.name), cls::kTsConfig, c.oid,
               c.comment);
  }

  // Access methods have no owner and no schema.
  for (const auto& a : m.access_methods) {
    const uint32_t id =
        Add(Kind::kAccessMethod, Section::kPreData, "", a.name, "", ddl::CreateAccessMethod(a),
            "DROP ACCESS METHOD " + QuoteIdent(a.name) + ";\n", {});
    Entry(id).catalog_oid = a.oid;
    Register(cls::kAm, a.oid, id);
    AddComment(a.comment, id, "ACCESS METHOD " + QuoteIdent(a.name), "ACCESS METHOD " + a.name);
  }
  for (const auto& o : m.operators) {
    const std::string sig = ddl::OperatorSignature(o);
    add_object(Kind::kOperator, Section::kPreData, o.schema, o.name, o.owner,
               ddl::CreateOperator(o), sig, cls::kOperator, o.oid, o.comment);
  }
  // A class or family entry creates its members too, so the members' dependencies (on operators
  // and functions) become the entry's.
  for (const auto& f : m.op_families) {
    const uint32_t id = add_object(
        Kind::kOperatorFamily, Section::kPreData, f.schema, f.name, f.owner, ddl::CreateOpFamily(f),
        QualifiedName(f.schema, f.name) + " USING " + f.method, cls::kOpFamily, f.oid, f.comment);
    for (const auto& mem : f.members) Register(mem.is_function ? kAmProc : kAmOp, mem.oid, id);
  }
  for (const auto& c : m.op_classes) {
    const uint32_t id = add_object(
        Kind::kOperatorClass, Section::kPreData, c.schema, c.name, c.owner, ddl::CreateOpClass(c),
        QualifiedName(c.schema, c.name) + " USING " + c.method, cls::kOpClass, c.oid, c.comment);
    for (const auto& mem : c.members) Register(mem.is_function ? kAmProc : kAmOp, mem.oid, id);
  }
  for (const auto& c : m.conversions) {
    add_object(Kind::kConversion, Section::kPreData, c.schema, c.name, c.owner,
               ddl::CreateConversion(c), QualifiedName(c.schema, c.name), cls::kConversion, c.oid,
               c.comment);
  }

  for (const auto& w : m.wrappers) {
    const std::string qname = QuoteIdent(w.name);
    const uint32_t id = add_object(Kind::kForeignDataWrapper, Section::kPreData, "", w.name,
                                   w.owner, ddl::CreateForeignDataWrapper(w), qname,
                                   cls::kForeignDataWrapper, w.oid, w.comment);
    AddAcl(w.acl, id, "FOREIGN DATA WRAPPER", qname, "FOREIGN DATA WRAPPER " + w.name);
  }
  for (const auto& s : m.servers) {
    const std::string qname = QuoteIdent(s.name);
    const uint32_t id =
        add_object(Kind::kServer, Section::kPreData, "", s.name, s.owner,
                   ddl::CreateForeignServer(s), qname, cls::kForeignServer, s.oid, s.comment);
    AddDep(id, Lookup(cls::kForeignDataWrapper, s.wrapper_oid));
    AddAcl(s.acl, id, "FOREIGN SERVER", qname, "FOREIGN SERVER " + s.name);
  }
  for (const auto& u : m.user_mappings) {
    // Listed under the server's owner, as pg_dump lists it; a mapping has no owner of its own.
    const uint32_t server_id = Lookup(cls::kForeignServer, u.server_oid);
    if (server_id == 0) continue;
    const uint32_t id = Add(Kind::kUserMapping, Section::kPreData, "",
                            "USER MAPPING " + u.user + " SERVER " + u.server,
                            Entry(server_id).owner, ddl::CreateUserMapping(u),
                            "DROP USER MAPPING " + ddl::UserMappingTarget(u) + ";\n", {server_id});
    Register(kUserMapping, u.oid, id);
  }

  // Large objects, as pg_dump 17 has them: a BLOB METADATA entry per group of objects with one
  // owner (creates them, sets the owner), and a BLOBS entry per group whose data, like
  // a table's, a dump worker streams (their contents never pass through the catalog or the
  // TOC). Privileges, comments and security labels are entries of their own on the group's
  // entry, only for the objects that have them.
  // The objects are created in the section where pg_dump of the source's version creates them:
  // pre-data before 17, data from 17 on (--section=pre-data then leaves them out); a restore runs
  // BLOB METADATA with the pre-data entries in either case (restore::RunsBeforeData), so that
  // the objects exist when their contents are loaded.
  const Section lo_section = pg::Has(cat_.server_version, pg::Feature::kLargeObjectsInDataSection)
                                 ? Section::kData
                                 : Section::kPreData;
  std::unordered_map<Oid, const catalog::LargeObject*> decorated;
  for (const auto& lo : m.large_objects) decorated.emplace(lo.oid, &lo);
  for (const auto& g : m.large_object_groups) {
    const std::string range = std::to_string(g.oids.front()) + ".." + std::to_string(g.oids.back());
    const uint32_t id = Add(Kind::kBlobMetadata, lo_section, "", range, g.owner,
                            ddl::CreateLargeObjects(g), ddl::DropLargeObjects(g), {});
    // The owner of every object of the group (restore::OwnerSql reads the list).
    Entry(id).owner_object = "LARGE OBJECT";
    Entry(id).catalog_oid = g.oids.front();
    // Only the decorated objects are registered (security labels find them so): a map of every
    // OID would cost more than the rest of the objects' metadata together.
    for (Oid oid : g.oids) {
      if (decorated.empty()) break;
      const auto it = decorated.find(oid);
      if (it == decorated.end()) continue;
      const std::string name = std::to_string(oid);
      Register(kLargeObject, oid, id);
      AddComment(it->second->comment, id, "LARGE OBJECT " + name, "LARGE OBJECT " + name);
      AddAcl(it->second->acl, id, "LARGE OBJECT", name, "LARGE OBJECT " + name);
    }
    const uint32_t data_id = Add(Kind::kBlobs, Section::kData, "", range, g.owner, "", "", {id});
    Entry(data_id).copy_sql = ddl::LargeObjectsCopyInSql();
    Entry(data_id).catalog_oid = g.oids.front();
    out_.data_jobs.push_back(
        {data_id, ddl::LargeObjectsCopyOutSql(g), "large objects " + range, 0, "BLOBS"});
  }

  // --- post-data ------------------------------------------------------------------------------
  for (const auto& s : m.statistics) {
    // The table it is on comes from pg_depend (the statistics object depends on its columns).
    add_object(Kind::kStatistics, Section::kPostData, s.schema, s.name, s.owner,
               ddl::CreateStatistics(s), QualifiedName(s.schema, s.name), cls::kStatisticExt, s.oid,
               s.comment);
  }
  for (const auto& p : m.publications) {
    const std::string qname = QuoteIdent(p.name);
    const uint32_t id =
        add_object(Kind::kPublication, Section::kPostData, "", p.name, p.owner,
                   ddl::CreatePublication(p), qname, cls::kPublication, p.oid, p.comment);
    for (const auto& t : p.tables) {
      const uint32_t table_id = Lookup(cls::kClass, t.table_oid);
      if (table_id == 0) continue;  // a table the dump does not create
      const uint32_t rel_id = Add(Kind::kPublicationTable, Section::kPostData, t.schema,
                                  p.name + " " + t.name, p.owner, ddl::PublicationAddTable(p, t),
                                  "ALTER PUBLICATION " + qname + " DROP TABLE ONLY " +
                                      QualifiedName(t.schema, t.name) + ";\n",
                                  {id, table_id});
      Register(kPublicationRel, t.oid, rel_id);
    }
    for (const auto& s : p.schemas) {
      const uint32_t schema_id = SchemaId(s.schema);
      if (schema_id == 0) continue;
      const uint32_t ns_id = Add(
          Kind::kPublicationTablesInSchema, Section::kPostData, s.schema, p.name + " " + s.schema,
          p.owner, ddl::PublicationAddSchema(p, s),
          "ALTER PUBLICATION " + qname + " DROP TABLES IN SCHEMA " + QuoteIdent(s.schema) + ";\n",
          {id, schema_id});
      Register(kPublicationNamespace, s.oid, ns_id);
    }
  }
  for (const auto& s : m.subscriptions) {
    const uint32_t id =
        Add(Kind::kSubscription, Section::kPostData, "", s.name, s.owner,
            ddl::CreateSubscription(s), "DROP SUBSCRIPTION " + QuoteIdent(s.name) + ";\n", {});
    Entry(id).owner_object = "SUBSCRIPTION " + QuoteIdent(s.name);
    Entry(id).catalog_oid = s.oid;
    Register(kSubscription, s.oid, id);
    AddComment(s.comment, id, "SUBSCRIPTION " + QuoteIdent(s.name), "SUBSCRIPTION " + s.name);
  }
  // Default privileges come last, so that they never apply to objects the restore creates.
  for (const auto& d : m.default_acls) {
    auto sql =
        ddl::DefaultPrivilegesSql(d.object_type, d.role, d.schema, d.acl, cat_.server_version);
    // As for ACLs: an item this code cannot spell is left out rather than failing the dump.
    if (!sql.ok() || sql->empty()) continue;
    const uint32_t id =
        Add(Kind::kDefaultAcl, Section::kPostData, d.schema,
            "DEFAULT PRIVILEGES FOR " + std::string(ddl::DefaultAclObjects(d.object_type)), d.role,
            std::move(*sql), "", {d.schema.empty() ? 0 : SchemaId(d.schema)});
    Entry(id).catalog_oid = d.oid;
  }
}

}  // namespace libdump::dump
