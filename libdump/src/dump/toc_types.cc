// Schemas and types: enums, domains, stand-alone composite types.
#include "ddl/acl.h"
#include "ddl/ddl.h"
#include "dump/toc_builder_internal.h"
#include "pg/pg.h"

namespace libdump::dump {

using kinds::Kind;
using kinds::NameOf;

using format::Section;
using pg::QualifiedName;
using pg::QuoteIdent;

namespace {
// PostgreSQL 15 creates the public schema owned by pg_database_owner with this comment; a schema
// in that state needs no statement of its own, as in pg_dump.
constexpr const char* kPublicSchemaComment = "standard public schema";
}  // namespace

void TocBuilder::AddSchemas() {
  for (const auto& s : cat_.schemas) {
    uint32_t id;
    if (s.name == "public") {
      // The target database already has a public schema; only a changed owner is restored.
      const bool pristine = s.owner == "pg_database_owner";
      id = Add(Kind::kSchema, Section::kPreData, "", s.name, pristine ? "" : s.owner, "", "", {});
      Entry(id).owner_object = "SCHEMA " + QuoteIdent(s.name);
    } else {
      id = Add(Kind::kSchema, Section::kPreData, "", s.name, s.owner, ddl::CreateSchema(s),
               "DROP SCHEMA " + QuoteIdent(s.name) + ";\n", {});
      Entry(id).owner_object = "SCHEMA " + QuoteIdent(s.name);
    }
    schema_ids_[s.name] = id;
    Register(cls::kNamespace, s.oid, id);
    if (s.name == "public" && !s.comment) {
      // A new database's public schema has its standard comment: a removed one is removed again.
      Add(Kind::kComment, Section::kPreData, "", "SCHEMA " + s.name, Entry(id).owner,
          "COMMENT ON SCHEMA " + QuoteIdent(s.name) + " IS NULL;\n", "", {id});
    } else if (!(s.name == "public" && s.comment && *s.comment == kPublicSchemaComment)) {
      AddComment(s.comment, id, "SCHEMA " + QuoteIdent(s.name), "SCHEMA " + s.name);
    }
    // The public schema's initial privileges are those of a new database's (pg_init_privs is
    // not asked: a public schema dropped and made again has none there), for its owner.
    if (s.name == "public") {
      AddAcl(s.acl, id, "SCHEMA", QuoteIdent(s.name), "SCHEMA " + s.name, "",
             ddl::PublicSchemaAcl(s.owner), s.owner);
    } else {
      AddAcl(s.acl, id, "SCHEMA", QuoteIdent(s.name), "SCHEMA " + s.name);
    }
  }
}

void TocBuilder::AddTypes() {
  auto add_type = [&](Kind type_kind, catalog::Oid oid, catalog::Oid array_oid,
                      const std::string& schema, const std::string& name, const std::string& owner,
                      std::string sql, const std::optional<std::string>& comment,
                      const std::optional<std::string>& acl) {
    const std::string kind(NameOf(type_kind));  // TYPE or DOMAIN, as SQL names it too
    const std::string qname = QualifiedName(schema, name);
    uint32_t id = Add(type_kind, Section::kPreData, schema, name, owner, std::move(sql),
                      std::string("DROP ") + kind + " " + qname + ";\n", {SchemaId(schema)});
    Entry(id).owner_object = std::string(kind) + " " + qname;
    Register(cls::kType, oid, id);
    Register(cls::kType, array_oid, id);
    AddComment(comment, id, std::string(kind) + " " + qname, std::string(kind) + " " + name);
    AddAcl(acl, id, "TYPE", qname, std::string(kind) + " " + name);
    return id;
  };
  for (const auto& e : cat_.enums) {
    add_type(Kind::kType, e.oid, e.array_oid, e.schema, e.name, e.owner, ddl::CreateEnum(e),
             e.comment, e.acl);
  }
  for (const auto& d : cat_.domains) {
    uint32_t id = add_type(Kind::kDomain, d.oid, d.array_oid, d.schema, d.name, d.owner,
                           ddl::CreateDomain(d), d.comment, d.acl);
    for (const auto& c : d.constraints) {
      uint32_t cid = id;
      if (!c.validated) {
        // As pg_dump: a NOT VALID check is added after the data, which it need not hold.
        const std::string qname = QualifiedName(d.schema, d.name);
        cid = Add(Kind::kCheckConstraint, Section::kPostData, d.schema, d.name + " " + c.name,
                  d.owner, ddl::AddDomainConstraint(d, c),
                  "ALTER DOMAIN " + qname + " DROP CONSTRAINT " + QuoteIdent(c.name) + ";\n", {id});
      }
      Register(cls::kConstraint, c.oid, cid);
      AddComment(
          c.comment, cid,
          "CONSTRAINT " + QuoteIdent(c.name) + " ON DOMAIN " + QualifiedName(d.schema, d.name),
          "CONSTRAINT " + c.name + " ON DOMAIN " + d.name);
    }
  }
  for (const auto& c : cat_.composites) {
    uint32_t id = add_type(Kind::kType, c.oid, c.array_oid, c.schema, c.name, c.owner,
                           ddl::CreateComposite(c), c.comment, c.acl);
    Register(cls::kClass, c.relid, id);
    int attnum = 0;
    for (const auto& a : c.attributes) {
      ++attnum;
      auto it = c.column_comments.find(attnum);
      if (a.dropped || it == c.column_comments.end()) continue;
      AddComment(it->second, id,
                 "COLUMN " + QualifiedName(c.schema, c.name) + "." + QuoteIdent(a.name),
                 "COLUMN " + c.name + "." + a.name);
    }
  }
  // A base type and its I/O functions need each other: as pg_dump, a shell type first, then the
  // functions (which depend on the shell), then the full definition (which depends on them).
  // Every other object that uses the type depends on the full definition.
  for (const auto& b : cat_.base_types) {
    const std::string qname = QualifiedName(b.schema, b.name);
    const uint32_t shell = Add(Kind::kShellType, Section::kPreData, b.schema, b.name, b.owner,
                               "CREATE TYPE " + qname + ";\n", "", {SchemaId(b.schema)});
    // No owner statement on the shell: CREATE TYPE fills in a shell only for the shell's owner,
    // even as superuser; the full definition's entry sets the owner.
    const uint32_t id = add_type(Kind::kType, b.oid, b.array_oid, b.schema, b.name, b.owner,
                                 ddl::CreateBaseType(b), b.comment, b.acl);
    // The I/O functions and the type depend on each other: neither drops alone. As pg_dump,
    // the type goes with CASCADE, taking its functions (their own drops, later in a --clean,
    // then find nothing: IF EXISTS).
    Entry(id).drop_sql = "DROP TYPE " + qname + " CASCADE;\n";
    AddDep(id, shell);
    for (catalog::Oid fn : b.functions) shell_redirects_[{fn, id}] = shell;
  }
  // Dependencies between types (a domain over an enum, a composite holding a domain) come from
  // pg_depend in ResolveCatalogDepends.
}

}  // namespace libdump::dump
