#include "ddl/ddl_code.h"

#include "pg/quote.h"

namespace libdump::ddl {

using pg::QualifiedName;
using pg::QuoteIdent;
using pg::QuoteLiteral;

namespace {

// A deparsed definition without its trailing newlines or semicolon, then terminated once.
std::string Terminated(std::string_view def) {
  while (!def.empty() && (def.back() == '\n' || def.back() == ' ' || def.back() == ';')) {
    def.remove_suffix(1);
  }
  return std::string(def) + ";\n";
}

// The words after ENABLE/DISABLE for an enabled state other than 'O' (the default): pg_trigger,
// pg_rewrite and pg_event_trigger share the letters. Empty when the state needs no statement.
std::string EnableClause(char state) {
  switch (state) {
    case 'D':
      return "DISABLE";
    case 'R':
      return "ENABLE REPLICA";
    case 'A':
      return "ENABLE ALWAYS";
    default:
      return "";
  }
}

const char* FinalModify(char m) {
  switch (m) {
    case 's':
      return "SHAREABLE";
    case 'w':
      return "READ_WRITE";
    default:
      return "READ_ONLY";
  }
}

const char* ParallelWord(char p) {
  switch (p) {
    case 's':
      return "SAFE";
    case 'r':
      return "RESTRICTED";
    default:
      return "UNSAFE";
  }
}

// The statement that sets a trigger's or rule's enabled state. Only tables (plain, partitioned,
// foreign) have states other than 'O': the server refuses to disable a view's triggers or rules.
std::string AlterRelation(std::string_view schema, std::string_view name) {
  return "ALTER TABLE " + QualifiedName(schema, name);
}

}  // namespace

std::string FunctionSignature(const catalog::Function& f) {
  return QualifiedName(f.schema, f.name) + "(" + f.identity_args + ")";
}

const char* FunctionKeyword(const catalog::Function& f) {
  return f.kind == 'p' ? "PROCEDURE" : "FUNCTION";
}

std::string CreateFunction(const catalog::Function& f) { return Terminated(f.definition); }

std::string AggregateSignature(const catalog::Aggregate& a) {
  return QualifiedName(a.schema, a.name) + "(" +
         (a.identity_args.empty() ? std::string("*") : a.identity_args) + ")";
}

std::string CreateAggregate(const catalog::Aggregate& a) {
  std::string sql = "CREATE AGGREGATE " + QualifiedName(a.schema, a.name) + "(" +
                    (a.arguments.empty() ? std::string("*") : a.arguments) + ") (\n";
  sql += "    SFUNC = " + a.transfn + ",\n    STYPE = " + a.transtype;
  auto opt = [&](const char* key, const std::string& value) {
    if (!value.empty()) sql += std::string(",\n    ") + key + " = " + value;
  };
  // Without an explicit FINALFUNC_MODIFY, a normal aggregate's final function is READ_ONLY and
  // an ordered-set one's READ_WRITE; the clause is written only when it differs.
  const char default_modify = a.agg_kind == 'n' ? 'r' : 'w';
  if (a.transspace != 0) opt("SSPACE", std::to_string(a.transspace));
  opt("FINALFUNC", a.finalfn);
  if (a.finalextra) sql += ",\n    FINALFUNC_EXTRA";
  if (!a.finalfn.empty() && a.finalmodify != default_modify) {
    opt("FINALFUNC_MODIFY", FinalModify(a.finalmodify));
  }
  opt("COMBINEFUNC", a.combinefn);
  opt("SERIALFUNC", a.serialfn);
  opt("DESERIALFUNC", a.deserialfn);
  if (a.initval) opt("INITCOND", QuoteLiteral(*a.initval));
  opt("MSFUNC", a.mtransfn);
  opt("MINVFUNC", a.minvtransfn);
  if (!a.mtransfn.empty()) opt("MSTYPE", a.mtranstype);
  if (a.mtransspace != 0) opt("MSSPACE", std::to_string(a.mtransspace));
  opt("MFINALFUNC", a.mfinalfn);
  if (a.mfinalextra) sql += ",\n    MFINALFUNC_EXTRA";
  if (!a.mfinalfn.empty() && a.mfinalmodify != default_modify) {
    opt("MFINALFUNC_MODIFY", FinalModify(a.mfinalmodify));
  }
  if (a.minitval) opt("MINITCOND", QuoteLiteral(*a.minitval));
  opt("SORTOP", a.sortop);
  if (a.parallel != 'u') opt("PARALLEL", ParallelWord(a.parallel));
  if (a.agg_kind == 'h') sql += ",\n    HYPOTHETICAL";
  return sql + "\n);\n";
}

std::string CreateLanguage(const catalog::Language& l) {
  if (l.handler.empty())
    return "CREATE OR REPLACE PROCEDURAL LANGUAGE " + QuoteIdent(l.name) + ";\n";
  std::string sql = std::string("CREATE ") + (l.trusted ? "TRUSTED " : "") +
                    "PROCEDURAL LANGUAGE " + QuoteIdent(l.name) + " HANDLER " + l.handler;
  if (!l.inline_handler.empty()) sql += " INLINE " + l.inline_handler;
  if (!l.validator.empty()) sql += " VALIDATOR " + l.validator;
  return sql + ";\n";
}

std::string CreateExtension(const catalog::Extension& x) {
  return "CREATE EXTENSION IF NOT EXISTS " + QuoteIdent(x.name) + " WITH SCHEMA " +
         QuoteIdent(x.schema) + ";\n";
}

std::string CreateTrigger(const catalog::Trigger& t) {
  std::string sql = t.clone ? "" : Terminated(t.definition);
  const std::string state = EnableClause(t.enabled);
  if (!state.empty()) {
    sql += AlterRelation(t.table_schema, t.table_name) + " " + state + " TRIGGER " +
           QuoteIdent(t.name) + ";\n";
  } else if (t.clone) {
    // A clone enabled while its parent is not.
    sql += AlterRelation(t.table_schema, t.table_name) + " ENABLE TRIGGER " + QuoteIdent(t.name) +
           ";\n";
  }
  return sql;
}

std::string CreateEventTrigger(const catalog::EventTrigger& e) {
  std::string sql = "CREATE EVENT TRIGGER " + QuoteIdent(e.name) + " ON " + QuoteIdent(e.event);
  if (!e.tags.empty()) {
    sql += "\n    WHEN TAG IN (";
    for (size_t i = 0; i < e.tags.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += QuoteLiteral(e.tags[i]);
    }
    sql += ")";
  }
  sql += "\n    EXECUTE FUNCTION " + e.function + "();\n";
  const std::string state = EnableClause(e.enabled);
  if (!state.empty()) sql += "ALTER EVENT TRIGGER " + QuoteIdent(e.name) + " " + state + ";\n";
  return sql;
}

std::string CreateRule(const catalog::Rule& r) {
  std::string sql = Terminated(r.definition);
  const std::string state = EnableClause(r.enabled);
  if (!state.empty()) {
    sql += AlterRelation(r.table_schema, r.table_name) + " " + state + " RULE " +
           QuoteIdent(r.name) + ";\n";
  }
  return sql;
}

std::string CastSignature(const catalog::Cast& c) {
  return "(" + c.source + " AS " + c.target + ")";
}

std::string CreateCast(const catalog::Cast& c) {
  std::string sql = "CREATE CAST " + CastSignature(c);
  switch (c.method) {
    case 'b':
      sql += " WITHOUT FUNCTION";
      break;
    case 'i':
      sql += " WITH INOUT";
      break;
    default:
      sql += " WITH FUNCTION " + c.function;
      break;
  }
  if (c.context == 'a') sql += " AS ASSIGNMENT";
  if (c.context == 'i') sql += " AS IMPLICIT";
  return sql + ";\n";
}

std::string TransformSignature(const catalog::Transform& t) {
  return "FOR " + t.type + " LANGUAGE " + QuoteIdent(t.language);
}

std::string CreateTransform(const catalog::Transform& t) {
  std::string sql = "CREATE TRANSFORM " + TransformSignature(t) + " (";
  if (!t.from_sql.empty()) sql += "FROM SQL WITH FUNCTION " + t.from_sql;
  if (!t.to_sql.empty()) {
    if (!t.from_sql.empty()) sql += ", ";
    sql += "TO SQL WITH FUNCTION " + t.to_sql;
  }
  return sql + ");\n";
}

std::string ConfigTableCopyOut(const catalog::ExtensionConfigTable& t) {
  std::string sql = "COPY (SELECT " + t.column_list + " FROM " + QualifiedName(t.schema, t.name);
  if (!t.condition.empty()) sql += " " + t.condition;
  return sql + ") TO STDOUT";
}

std::string ConfigTableCopyIn(const catalog::ExtensionConfigTable& t) {
  return "COPY " + QualifiedName(t.schema, t.name) + " (" + t.column_list + ") FROM stdin;";
}

}  // namespace libdump::ddl
