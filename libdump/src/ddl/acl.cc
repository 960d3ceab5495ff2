#include "ddl/acl.h"

#include <algorithm>

#include "ddl/ddl_misc.h"
#include "pg/quote.h"
#include "pg/server_versions.h"

namespace libdump::ddl {

namespace {

// Splits array text `{a,"b c",...}` into its elements, undoing the array quoting.
Result<std::vector<std::string>> ArrayElements(std::string_view text) {
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') {
    return Status::InvalidArgument("not an array: " + std::string(text));
  }
  text = text.substr(1, text.size() - 2);
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    std::string elem;
    if (text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        elem.push_back(text[i++]);
      }
      if (i >= text.size()) return Status::InvalidArgument("unterminated array element");
      ++i;  // closing quote
    } else {
      while (i < text.size() && text[i] != ',') elem.push_back(text[i++]);
    }
    out.push_back(std::move(elem));
    if (i < text.size()) {
      if (text[i] != ',') return Status::InvalidArgument("bad array text");
      ++i;
    }
  }
  return out;
}

// Reads a role name as aclitem text writes it: bare, or double-quoted with "" for a quote.
std::string ReadRoleName(std::string_view s, size_t* pos, char stop) {
  std::string name;
  if (*pos < s.size() && s[*pos] == '"') {
    ++*pos;
    while (*pos < s.size()) {
      if (s[*pos] == '"') {
        if (*pos + 1 < s.size() && s[*pos + 1] == '"') {
          name.push_back('"');
          *pos += 2;
          continue;
        }
        ++*pos;
        break;
      }
      name.push_back(s[(*pos)++]);
    }
    return name;
  }
  while (*pos < s.size() && s[*pos] != stop) name.push_back(s[(*pos)++]);
  return name;
}

}  // namespace

const char* PrivilegeName(char c) {
  switch (c) {
    case 'r':
      return "SELECT";
    case 'w':
      return "UPDATE";
    case 'a':
      return "INSERT";
    case 'd':
      return "DELETE";
    case 'D':
      return "TRUNCATE";
    case 'x':
      return "REFERENCES";
    case 't':
      return "TRIGGER";
    case 'X':
      return "EXECUTE";
    case 'U':
      return "USAGE";
    case 'C':
      return "CREATE";
    case 'c':
      return "CONNECT";
    case 'T':
      return "TEMPORARY";
    case 's':
      return "SET";
    case 'A':
      return "ALTER SYSTEM";
    case 'm':
      return "MAINTAIN";
    default:
      return nullptr;
  }
}

Result<std::vector<AclItem>> ParseAcl(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<std::string> elems, ArrayElements(text));
  std::vector<AclItem> items;
  for (const std::string& e : elems) {
    AclItem item;
    size_t pos = 0;
    item.grantee = ReadRoleName(e, &pos, '=');
    if (pos >= e.size() || e[pos] != '=') return Status::InvalidArgument("bad aclitem: " + e);
    ++pos;
    while (pos < e.size() && e[pos] != '/') {
      char c = e[pos++];
      if (PrivilegeName(c) == nullptr) {
        return Status::InvalidArgument("unknown privilege '" + std::string(1, c) + "' in " + e);
      }
      item.privileges.push_back(c);
      if (pos < e.size() && e[pos] == '*') {
        item.grant_options.push_back(c);
        ++pos;
      }
    }
    if (pos >= e.size()) return Status::InvalidArgument("aclitem without grantor: " + e);
    ++pos;
    item.grantor = ReadRoleName(e, &pos, '\0');
    items.push_back(std::move(item));
  }
  return items;
}

namespace {

// What acldefault gives each kind of object GRANT names: its owner's privileges and PUBLIC's.
struct GrantKind {
  std::string_view name;    // as GRANT spells the object type
  const char* owner;        // privileges the owner holds by default
  const char* to_public;    // privileges PUBLIC holds by default, or nullptr
  bool maintain;            // and MAINTAIN (m), from a server that has it (kMaintainPrivilege)
  bool default_privileges;  // false where the object has no built-in default ACL (parameters)
};

constexpr GrantKind kGrantKinds[] = {
    {"TABLE", "arwdDxt", nullptr, true, true},
    {"SEQUENCE", "rwU", nullptr, false, true},
    {"FUNCTION", "X", "X", false, true},
    {"PROCEDURE", "X", "X", false, true},
    {"LARGE OBJECT", "rw", nullptr, false, true},
    {"SCHEMA", "UC", nullptr, false, true},
    {"DATABASE", "CTc", "Tc", false, true},
    {"TABLESPACE", "C", nullptr, false, true},
    {"PARAMETER", "sA", nullptr, false, false},
    {"LANGUAGE", "U", "U", false, true},
    {"TYPE", "U", "U", false, true},
    {"DOMAIN", "U", "U", false, true},
    {"FOREIGN DATA WRAPPER", "U", nullptr, false, true},
    {"FOREIGN SERVER", "U", nullptr, false, true},
};

const GrantKind* FindGrantKind(std::string_view object_kind) {
  for (const GrantKind& k : kGrantKinds) {
    if (k.name == object_kind) return &k;
  }
  return nullptr;
}

}  // namespace

std::string KindPrivileges(std::string_view object_kind, bool column, int server_version) {
  if (column) return "arwx";
  const GrantKind* k = FindGrantKind(object_kind);
  if (k == nullptr) return "";
  std::string all = k->owner;
  if (k->maintain && pg::Has(server_version, pg::Feature::kMaintainPrivilege)) all += 'm';
  return all;
}

std::vector<AclItem> DefaultAcl(std::string_view object_kind, std::string_view owner, bool column,
                                int server_version) {
  std::vector<AclItem> items;
  const GrantKind* k = FindGrantKind(object_kind);
  if (column || k == nullptr || !k->default_privileges) return items;
  // acldefault lists PUBLIC's item first where there is one.
  if (k->to_public != nullptr) items.push_back({"", std::string(owner), k->to_public, ""});
  items.push_back({std::string(owner), std::string(owner),
                   KindPrivileges(object_kind, false, server_version), ""});
  return items;
}

std::vector<AclItem> PublicSchemaAcl(std::string_view owner) {
  return {{std::string(owner), std::string(owner), "UC", ""}, {"", std::string(owner), "U", ""}};
}

namespace {

bool SameItem(const AclItem& a, const AclItem& b) {
  return a.grantee == b.grantee && a.grantor == b.grantor && a.privileges == b.privileges &&
         a.grant_options == b.grant_options;
}

bool Contains(const std::vector<AclItem>& items, const AclItem& item) {
  for (const AclItem& i : items) {
    if (SameItem(i, item)) return true;
  }
  return false;
}

// "SELECT, INSERT" (with " (col)" after each for a column), or "ALL" (" (col)") when `letters`
// holds every privilege of the kind.
std::string PrivilegeList(std::string_view letters, std::string_view all, const std::string& cols) {
  if (!all.empty() && letters.size() == all.size() &&
      std::all_of(all.begin(), all.end(),
                  [&](char c) { return letters.find(c) != std::string_view::npos; })) {
    return "ALL" + cols;
  }
  std::string list;
  for (char c : letters) {
    if (!list.empty()) list += ", ";
    list += PrivilegeName(c) + cols;
  }
  return list;
}

std::string Grantee(const AclItem& item) {
  return item.grantee.empty() ? std::string("PUBLIC") : pg::QuoteIdent(item.grantee);
}

}  // namespace

namespace {

// The statements that turn `base` into `items`: `prefix` goes before each REVOKE/GRANT (ALTER
// DEFAULT PRIVILEGES ... for default privileges), `on` names the object (" ON TABLE x"), `cols`
// follows each privilege for column privileges. A grantor other than `owner` grants through
// SET ROLE (never for default privileges, where the role is every item's grantor).
std::string DiffSql(const std::vector<AclItem>& items, const std::vector<AclItem>& base_items,
                    std::string_view all, const std::string& prefix, const std::string& on,
                    const std::string& cols, std::string_view owner) {
  std::string revokes;
  for (const AclItem& item : base_items) {
    if (Contains(items, item) || item.privileges.empty()) continue;
    revokes += prefix + "REVOKE " + PrivilegeList(item.privileges, all, cols) + on + " FROM " +
               Grantee(item) + ";\n";
  }
  std::string owner_grants, other_grants;
  for (const AclItem& item : items) {
    if (Contains(base_items, item)) continue;
    std::string plain, with_option;
    for (char c : item.privileges) {
      (item.grant_options.find(c) == std::string::npos ? plain : with_option).push_back(c);
    }
    const bool owners_own = item.grantee == owner && item.grantor == owner;
    std::string& sql = owners_own ? owner_grants : other_grants;
    // A superuser's GRANT counts as the owner's; other grantors must grant as themselves.
    const bool as_grantor = item.grantor != owner;
    if (as_grantor) sql += "SET ROLE " + pg::QuoteIdent(item.grantor) + ";\n";
    if (!plain.empty()) {
      sql +=
          prefix + "GRANT " + PrivilegeList(plain, all, cols) + on + " TO " + Grantee(item) + ";\n";
    }
    if (!with_option.empty()) {
      sql += prefix + "GRANT " + PrivilegeList(with_option, all, cols) + on + " TO " +
             Grantee(item) + " WITH GRANT OPTION;\n";
    }
    if (as_grantor) sql += "RESET ROLE;\n";
  }
  return revokes + owner_grants + other_grants;
}

// ALL only where the list holds every privilege of the kind as the newest server knows it: a
// table of 15 whose owner lost some is given the rest by name, so that a 17+ target keeps the
// owner's MAINTAIN (as pg_dump 18 writes it).
std::string NewestPrivileges(std::string_view object_kind, bool column) {
  return KindPrivileges(object_kind, column, pg::kNewestServerMajor * 10000);
}

}  // namespace

Result<std::string> AclSql(std::string_view object_kind, std::string_view object,
                           std::string_view owner, std::string_view acl,
                           const std::optional<std::vector<AclItem>>& base, int server_version,
                           std::string_view column) {
  ASSIGN_OR_RETURN(std::vector<AclItem> items, ParseAcl(acl));
  const std::vector<AclItem> base_items =
      base ? *base : DefaultAcl(object_kind, owner, !column.empty(), server_version);
  const std::string on = " ON " + std::string(object_kind) + " " + std::string(object);
  const std::string cols = column.empty() ? "" : " (" + pg::QuoteIdent(column) + ")";
  return DiffSql(items, base_items, NewestPrivileges(object_kind, !column.empty()), "", on, cols,
                 owner);
}

Result<std::string> DefaultPrivilegesSql(char object_type, std::string_view role,
                                         std::string_view schema, std::string_view acl,
                                         int server_version) {
  const char* kind = object_type == 'r'   ? "TABLE"
                     : object_type == 'S' ? "SEQUENCE"
                     : object_type == 'f' ? "FUNCTION"
                     : object_type == 'T' ? "TYPE"
                     : object_type == 'n' ? "SCHEMA"
                                          : nullptr;
  if (kind == nullptr) {
    return Status::InvalidArgument("unknown default ACL object type '" +
                                   std::string(1, object_type) + "'");
  }
  ASSIGN_OR_RETURN(std::vector<AclItem> items, ParseAcl(acl));
  // A database-wide entry replaces the built-in defaults (acldefault); one IN SCHEMA adds to them.
  const std::vector<AclItem> base_items =
      schema.empty() ? DefaultAcl(kind, role, false, server_version) : std::vector<AclItem>{};
  std::string prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE " + pg::QuoteIdent(role);
  if (!schema.empty()) prefix += " IN SCHEMA " + pg::QuoteIdent(schema);
  return DiffSql(items, base_items, NewestPrivileges(kind, false), prefix + " ",
                 " ON " + std::string(DefaultAclObjects(object_type)), "", role);
}

}  // namespace libdump::ddl
