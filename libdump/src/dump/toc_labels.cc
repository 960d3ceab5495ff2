// Security labels (SECURITY LABEL FOR provider ON object IS 'label'), one entry per label, after
// the object they are on, as pg_dump writes them. Only the kinds SECURITY LABEL accepts are
// labelled; a label on anything else (which no provider can set) is left out.
#include <unordered_map>

#include "ddl/ddl.h"
#include "dump/toc_builder_internal.h"
#include "pg/pg.h"

namespace libdump::dump {

using catalog::Oid;
using pg::QualifiedName;
using pg::QuoteIdent;

namespace {
// Catalogs only labels need here (see cls:: for the shared ones).
constexpr Oid kLargeObjectClass = 2613;
constexpr Oid kSubscriptionClass = 6100;

// Whether `object` (an entry's owner_object, "KIND name") names a kind SECURITY LABEL accepts,
// given the catalog the label is in.
bool Labellable(Oid classid, const std::string& object) {
  auto starts = [&](const char* kind) { return object.rfind(kind, 0) == 0; };
  switch (classid) {
    case cls::kType:
      return starts("TYPE ") || starts("DOMAIN ");
    case cls::kProc:
      return starts("FUNCTION ") || starts("PROCEDURE ") || starts("AGGREGATE ");
    case cls::kNamespace:
      return starts("SCHEMA ");
    case cls::kLanguage:
      return starts("LANGUAGE ");
    case cls::kEventTrigger:
      return starts("EVENT TRIGGER ");
    case cls::kPublication:
      return starts("PUBLICATION ");
    case kSubscriptionClass:
      return starts("SUBSCRIPTION ");
    case kLargeObjectClass:
      return starts("LARGE OBJECT ");
    default:
      return false;
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
    if (l.classid == cls::kClass) {
      if (auto t = tables.find(l.objid); t != tables.end()) {
        const catalog::Table& table = *t->second;
        const std::string qname = QualifiedName(table.schema, table.name);
        if (l.subid > 0) {
          if (l.column.empty()) continue;
          target = "COLUMN " + qname + "." + QuoteIdent(l.column);
        } else {
          const char* kind = table.kind == 'v'   ? "VIEW "
                             : table.kind == 'm' ? "MATERIALIZED VIEW "
                             : table.kind == 'f' ? "FOREIGN TABLE "
                                                 : "TABLE ";
          target = kind + qname;
        }
      } else if (auto s = sequences.find(l.objid); s != sequences.end() && l.subid == 0) {
        target = "SEQUENCE " + QualifiedName(s->second->schema, s->second->name);
      }
    } else if (l.subid == 0 && Labellable(l.classid, Entry(id).owner_object)) {
      target = Entry(id).owner_object;
    }
    if (target.empty()) continue;
    const format::TocEntry& e = Entry(id);
    Add("SECURITY LABEL", e.section, e.schema, target, e.owner,
        ddl::SecurityLabel(l.provider, target, l.label), "", {id});
  }
}

}  // namespace libdump::dump
