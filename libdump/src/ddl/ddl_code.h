// Pure functions from code-like catalog objects (model_code.h) to SQL text. No I/O. Every name
// the server deparsed arrives qualified (the dump reads the catalog with an empty search_path).
#ifndef LIBDUMP_SRC_DDL_DDL_CODE_H_
#define LIBDUMP_SRC_DDL_DDL_CODE_H_

#include <string>

#include "catalog/model.h"

namespace libdump::ddl {

// `"s"."f"(a integer, b text)`: the function as ALTER, COMMENT ON and GRANT name it.
std::string FunctionSignature(const catalog::Function& f);
// "FUNCTION" or "PROCEDURE", as those statements spell the kind.
const char* FunctionKeyword(const catalog::Function& f);
// pg_get_functiondef's CREATE OR REPLACE statement, terminated.
std::string CreateFunction(const catalog::Function& f);

// `"s"."agg"(integer ORDER BY text)`, or `"s"."agg"(*)` without arguments.
std::string AggregateSignature(const catalog::Aggregate& a);
std::string CreateAggregate(const catalog::Aggregate& a);

std::string CreateLanguage(const catalog::Language& l);
std::string CreateExtension(const catalog::Extension& x);

// CREATE TRIGGER, then the statement that restores a state other than enabled. A partition's
// clone gets only the latter.
std::string CreateTrigger(const catalog::Trigger& t);
std::string CreateEventTrigger(const catalog::EventTrigger& e);
std::string CreateRule(const catalog::Rule& r);

// `(integer AS "s"."t")`, as CREATE CAST and COMMENT ON CAST write it.
std::string CastSignature(const catalog::Cast& c);
std::string CreateCast(const catalog::Cast& c);
// `FOR "s"."t" LANGUAGE "l"`, as CREATE TRANSFORM and COMMENT ON TRANSFORM write it.
std::string TransformSignature(const catalog::Transform& t);
std::string CreateTransform(const catalog::Transform& t);

// The COPY statements of an extension configuration table: out only the rows its filter selects.
std::string ConfigTableCopyOut(const catalog::ExtensionConfigTable& t);
std::string ConfigTableCopyIn(const catalog::ExtensionConfigTable& t);

}  // namespace libdump::ddl

#endif  // LIBDUMP_SRC_DDL_DDL_CODE_H_
