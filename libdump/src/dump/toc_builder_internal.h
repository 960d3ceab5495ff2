// The TOC builder's class, shared by the files that add one family of objects each
// (toc_types.cc, toc_relations.cc, ...). Not part of any public API.
#ifndef LIBDUMP_SRC_DUMP_TOC_BUILDER_INTERNAL_H_
#define LIBDUMP_SRC_DUMP_TOC_BUILDER_INTERNAL_H_

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog/model.h"
#include "common/kinds.h"
#include "ddl/acl.h"
#include "dump/toc_builder.h"
#include "libdump/format/archive.h"

namespace libdump::dump {

// OIDs of the system catalogs, the classid half of a CatalogId. They are fixed by PostgreSQL
// (pg_*.h BKI declarations) and the same in every version.
namespace cls {
inline constexpr catalog::Oid kAttrDef = 2604;
inline constexpr catalog::Oid kCast = 2605;
inline constexpr catalog::Oid kClass = 1259;
inline constexpr catalog::Oid kCollation = 3456;
inline constexpr catalog::Oid kConstraint = 2606;
inline constexpr catalog::Oid kConversion = 2607;
inline constexpr catalog::Oid kEventTrigger = 3466;
inline constexpr catalog::Oid kExtension = 3079;
inline constexpr catalog::Oid kForeignDataWrapper = 2328;
inline constexpr catalog::Oid kForeignServer = 1417;
inline constexpr catalog::Oid kLanguage = 2612;
inline constexpr catalog::Oid kNamespace = 2615;
inline constexpr catalog::Oid kOpClass = 2616;
inline constexpr catalog::Oid kOperator = 2617;
inline constexpr catalog::Oid kOpFamily = 2753;
inline constexpr catalog::Oid kPolicy = 3256;
inline constexpr catalog::Oid kProc = 1255;
inline constexpr catalog::Oid kPublication = 6104;
inline constexpr catalog::Oid kRewrite = 2618;
inline constexpr catalog::Oid kStatisticExt = 3381;
inline constexpr catalog::Oid kTransform = 3576;
inline constexpr catalog::Oid kTrigger = 2620;
inline constexpr catalog::Oid kTsConfig = 3602;
inline constexpr catalog::Oid kTsDict = 3600;
inline constexpr catalog::Oid kTsParser = 3601;
inline constexpr catalog::Oid kTsTemplate = 3764;
inline constexpr catalog::Oid kType = 1247;
inline constexpr catalog::Oid kAm = 2601;
}  // namespace cls

class TocBuilder {
 public:
  // With `columns_to_free` (the catalog `cat` is), Build() frees the tables' columns once their
  // entries exist (BuildTocFreeingColumns).
  TocBuilder(const catalog::Catalog& cat, const BuildOptions& options,
             catalog::Catalog* columns_to_free = nullptr)
      : cat_(cat), options_(options), columns_to_free_(columns_to_free) {}
  Result<BuiltToc> Build();

  // --- shared helpers -------------------------------------------------------------------------
  // Adds an entry and returns its dump id. Dependencies may be added later with AddDep.
  // The builder writes no kind but through `kind`, so every kind it emits has its row in
  // common/kinds.h.
  uint32_t Add(kinds::Kind kind, format::Section section, std::string schema, std::string name,
               std::string owner, std::string create_sql, std::string drop_sql,
               std::vector<uint32_t> deps);
  format::TocEntry& Entry(uint32_t dump_id) { return out_.entries[dump_id - 1]; }
  void AddDep(uint32_t from, uint32_t to);

  // A COMMENT entry on entry `target_id`; `target` is SQL such as `TABLE "s"."t"`, `tag` what
  // --list shows, such as "TABLE t". Nothing when `text` is empty.
  void AddComment(const std::optional<std::string>& text, uint32_t target_id,
                  const std::string& target, const std::string& tag);
  // An ACL entry that turns the object's initial privileges into `acl` (aclitem[] text; see
  // ddl::AclSql); none when `acl` is absent (the object has its default privileges) or equal to
  // them. `object_kind` as GRANT spells it (TABLE, SEQUENCE, FUNCTION, SCHEMA, TYPE, ...),
  // `object` its SQL name; `column` names a column for column privileges. The initial privileges
  // are `base`, else the kind's defaults for the owner: `owner`, else the target entry's.
  void AddAcl(const std::optional<std::string>& acl, uint32_t target_id,
              const std::string& object_kind, const std::string& object, const std::string& tag,
              const std::string& column = "",
              const std::optional<std::vector<ddl::AclItem>>& base = std::nullopt,
              const std::string& owner = "");

  // Records which entry creates the catalog object (classid, oid); catalog dependencies
  // (pg_depend) between registered objects become TOC dependencies.
  void Register(catalog::Oid classid, catalog::Oid oid, uint32_t dump_id);
  uint32_t Lookup(catalog::Oid classid, catalog::Oid oid) const;
  uint32_t SchemaId(const std::string& name) const;

 private:
  // --- families: one file each ---------------------------------------------------------------
  void AddSchemas();         // toc_types.cc
  void AddTypes();           // toc_types.cc
  void AddSequences();       // toc_relations.cc
  void AddRelations();       // toc_relations.cc
  void AddSequenceTails();   // toc_relations.cc
  void AddPostData();        // toc_relations.cc
  void AddCodeObjects();     // toc_code.cc
  void AddMiscObjects();     // toc_misc.cc
  void AddDatabase();        // toc_database.cc
  void AddSecurityLabels();  // toc_labels.cc, once every labellable object has its entry
  void AddStatistics();      // toc_statistics.cc, once the relations and indexes have entries

  // Tables bigger than options.chunk_bytes are dumped in chunks of about that size, at most
  // this many (toc_relations.cc).
  static constexpr uint64_t kMaxChunks = 64;
  // The last chunk of a split table is dumped as this many smaller pieces.
  static constexpr uint64_t kTailPieces = 4;
  // Keys of tables of at least this size (pg_table_size) get index_sql and attach_sql: a restore
  // builds them apart only on a table with that much data (kSplitKeyMinBytes in restore.cc), and
  // on many small tables the TOC would only grow.
  static constexpr uint64_t kKeyApartMinBytes = 8ull << 20;
  void AddTableData(const catalog::Table& t, uint32_t table_id);

  // The SQL of an inheritance child (toc_relations.cc); sets `inherit_sql` when the child needs
  // ALTER TABLE ... INHERIT afterwards to keep its column order.
  std::string InheritanceChildSql(
      const catalog::Table& t,
      const std::unordered_map<catalog::Oid, const catalog::Table*>& by_oid,
      const std::map<int, const catalog::Sequence*>& identity, std::string* inherit_sql);

  // --- whole-TOC passes (toc_builder.cc) -----------------------------------------------------
  void ResolveCatalogDepends();
  void RepairLoops();  // toc_loops.cc
  void OrderMaterializedViewRefreshes();
  void PostponeForPostData();
  void FreeColumns();

  const catalog::Catalog& cat_;
  const BuildOptions options_;
  catalog::Catalog* const columns_to_free_;
  BuiltToc out_;
  std::unordered_map<std::string, uint32_t> schema_ids_;
  std::map<std::pair<catalog::Oid, catalog::Oid>, uint32_t> registry_;
  // (I/O function OID, base type's entry) -> the type's shell entry: the edge a base type's I/O
  // function has on its type leads to the shell instead (toc_types.cc, ResolveCatalogDepends).
  std::map<std::pair<catalog::Oid, uint32_t>, uint32_t> shell_redirects_;
};

}  // namespace libdump::dump

#endif  // LIBDUMP_SRC_DUMP_TOC_BUILDER_INTERNAL_H_
