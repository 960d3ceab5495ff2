// Security labels (SECURITY LABEL FOR provider ON object IS 'label'), one entry per label, after
// the object they are on, as pg_dump writes them. Only the kinds SECURITY LABEL accepts are
// labelled; a label on anything else (which no provider can set) is left out.
#include <initializer_list>
#include <string>
#include <unordered_map>

#include "ddl/ddl.h"
#include "dump/toc_builder_internal.h"
#include "pg/pg.h"

namespace libdump::dump {

using kinds::Kind;

using catalog::Oid;
using pg::QualifiedName;
using pg::QuoteIdent;

namespace {
// Catalogs only labels need here (see cls:: for the shared ones).
constexpr Oid kLargeObjectClass = 2613;
constexpr Oid kSubscriptionClass = 6100;

// The keyword SECURITY LABEL names `object` (an entry's owner_object, "KIND name") by, given the
// catalog the label is in; "" when SECURITY LABEL does not take that kind.
std::string LabelKind(Oid classid, const std::string& object) {
  auto kind = [&](std::initializer_list<const char*> kinds) -> std::string {
    for (const char* k : kinds) {
      const std::string prefix = std::string(k) + " ";
      if (object.rfind(prefix, 0) == 0) return k;
    }
    return "";
  };
  switch (classid) {
    case cls::kType:
      return kind({"TYPE", "DOMAIN"});
    case cls::kProc:
      return kind({"FUNCTION", "PROCEDURE", "AGGREGATE"});
    case cls::kNamespace:
      return kind({"SCHEMA"});
    case cls::kLanguage:
      return kind({"LANGUAGE"});
    case cls::kEventTrigger:
      return kind({"EVENT TRIGGER"});
    case cls::kPublication:
      return kind({"PUBLICATION"});
    case kSubscriptionClass:
      return kind({"SUBSCRIPTION"});
    case kLargeObjectClass:
      return kind({"LARGE OBJECT"});
    default:
      return "";
  }
}
}  // namespace

void TocBuilder::AddSecurityLabels() {
  if (cat_.security_labels.empty()) return;
  std::unordered_map<Oid, const catalog::Table*> tables;
  for (const auto& t : cat_.tables) tables[t.oid] = &t;
  std::unordered_map<Oid, const catalog::Sequence*> sequences;
  for (const auto& s : cat_.sequences) sequences[s.oid] = &s;
  for (const auto& l : cat_.security_labels) {
    const uint32_t id = Lookup(l.classid, l.objid);
    if (id == 0) continue;
    std::string target;
    std::string tag;  // as --list shows it, like a comment's: "TABLE t", "COLUMN t.c"
    if (l.classid == cls::kClass) {
      if (auto t = tables.find(l.objid); t != tables.end()) {
        const catalog::Table& table = *t->second;
        const std::string qname = QualifiedName(table.schema, table.name);
        if (l.subid > 0) {
          if (l.column.empty()) continue;
          target = "COLUMN " + qname + "." + QuoteIdent(l.column);
          tag = "COLUMN " + table.name + "." + l.column;
        } else {
          const std::string kind = table.kind == 'v'   ? "VIEW"
                                   : table.kind == 'm' ? "MATERIALIZED VIEW"
                                   : table.kind == 'f' ? "FOREIGN TABLE"
                                                       : "TABLE";
          target = kind + " " + qname;
          tag = kind + " " + table.name;
        }
      } else if (auto s = sequences.find(l.objid); s != sequences.end() && l.subid == 0) {
        target = "SEQUENCE " + QualifiedName(s->second->schema, s->second->name);
        tag = "SEQUENCE " + s->second->name;
      }
    } else if (l.classid == kLargeObjectClass) {
      // Registered to its group's BLOB METADATA entry, which names no single object.
      target = tag = "LARGE OBJECT " + std::to_string(l.objid);
    } else if (l.subid == 0) {
      const std::string kind = LabelKind(l.classid, Entry(id).owner_object);
      if (!kind.empty()) {
        target = Entry(id).owner_object;
        tag = kind + " " + Entry(id).name;
      }
    }
    if (target.empty()) continue;
    const format::TocEntry& e = Entry(id);
    Add(Kind::kSecurityLabel, e.section, e.schema, tag, e.owner,
        ddl::SecurityLabel(l.provider, target, l.label), "", {id});
  }
}

}  // namespace libdump::dump
