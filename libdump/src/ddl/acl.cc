#include "ddl/acl.h"

#include "pg/pg.h"

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

Result<std::string> AclSql(std::string_view object_kind, std::string_view object,
                           std::string_view owner, std::string_view acl, std::string_view column) {
  ASSIGN_OR_RETURN(std::vector<AclItem> items, ParseAcl(acl));
  const std::string on = " ON " + std::string(object_kind) + " " + std::string(object);
  const std::string cols = column.empty() ? "" : " (" + pg::QuoteIdent(column) + ")";
  std::string sql;
  if (column.empty()) {
    sql += "REVOKE ALL" + on + " FROM PUBLIC;\n";
    if (!owner.empty()) sql += "REVOKE ALL" + on + " FROM " + pg::QuoteIdent(owner) + ";\n";
  }
  for (const AclItem& item : items) {
    const std::string to =
        " TO " + (item.grantee.empty() ? std::string("PUBLIC") : pg::QuoteIdent(item.grantee));
    std::string plain, with_option;
    for (char c : item.privileges) {
      std::string& list = item.grant_options.find(c) == std::string::npos ? plain : with_option;
      if (!list.empty()) list += ", ";
      list += PrivilegeName(c) + cols;
    }
    // A superuser's GRANT counts as the owner's; other grantors must grant as themselves.
    const bool as_grantor = item.grantor != owner;
    if (as_grantor) sql += "SET ROLE " + pg::QuoteIdent(item.grantor) + ";\n";
    if (!plain.empty()) sql += "GRANT " + plain + on + to + ";\n";
    if (!with_option.empty()) sql += "GRANT " + with_option + on + to + " WITH GRANT OPTION;\n";
    if (as_grantor) sql += "RESET ROLE;\n";
  }
  return sql;
}

}  // namespace libdump::ddl
