#include "restore/load.h"

#include <optional>

#include "restore/entry_sql.h"

namespace libdump::restore {

using format::TocEntry;

std::string FreezeCopySql(const std::string& copy_sql) {
  static constexpr std::string_view kTail = " FROM stdin;";
  const std::string_view sql(copy_sql);
  if (IsBinaryCopy(copy_sql)) return std::string(sql.substr(0, sql.size() - 2)) + ", FREEZE);";
  if (!sql.ends_with(kTail)) return "";
  return std::string(sql.substr(0, sql.size() - 1)) + " WITH (FREEZE);";
}

Status PutRows(pg::PgConn& conn, CharPaddingTrimmer* trimmer, std::string_view data,
               std::string* scratch, std::atomic<uint64_t>* padding) {
  if (trimmer == nullptr) return conn.PutCopyData(data);
  *padding += trimmer->Trim(data, scratch);
  return scratch->empty() ? Status::Ok() : conn.PutCopyData(*scratch);
}

Status PutRest(pg::PgConn& conn, CharPaddingTrimmer* trimmer) {
  if (trimmer == nullptr) return Status::Ok();
  const std::string rest = trimmer->TakeRest();
  return rest.empty() ? Status::Ok() : conn.PutCopyData(rest);
}

Status RunAroundCopy(pg::PgConn& conn, const std::string& sql, bool in_transaction) {
  if (!in_transaction) return conn.Command(sql);
  const Status st =
      conn.Command("SAVEPOINT nrestore_step;\n" + sql + "\n;RELEASE SAVEPOINT nrestore_step;");
  if (!st.ok())
    (void)conn.Command("ROLLBACK TO SAVEPOINT nrestore_step; RELEASE SAVEPOINT nrestore_step;");
  return st;
}

Status LoadEntry(const LoadContext& ctx, pg::PgConn& conn, const TocEntry& e, LoadMode mode) {
  const RestoreContent& content = *ctx.content;
  ErrorPolicy& policy = *ctx.policy;
  Events& events = *ctx.events;
  LoadTotals& totals = *ctx.totals;
  events.StartEntry(Describe(e));
  // One transaction for the load and its journal row; COPY FREEZE needs one too, in which the
  // table is truncated. Otherwise (-1's own transaction, no journal) the COPY commits on its own.
  const std::string record = ctx.journal ? ctx.journal->RecordSql(Step::kData, e.dump_id) : "";
  const std::string freeze = mode.freeze ? FreezeCopySql(e.copy_sql) : "";
  const bool in_transaction = !record.empty() || !freeze.empty();
  auto rollback = [&] {
    if (in_transaction) (void)conn.Command("ROLLBACK");
  };
  if (in_transaction) RETURN_IF_ERROR(conn.Command("BEGIN").WithObject(Describe(e)));
  const std::string disable = BeforeCopySql(e, content);
  if (!disable.empty()) {
    Status st = policy.Handle(RunAroundCopy(conn, disable, in_transaction).WithObject(Describe(e)));
    if (!st.ok()) {
      rollback();
      return st;
    }
  }
  std::string copy_sql = e.copy_sql;
  if (!freeze.empty()) {
    Status truncate = conn.Command("TRUNCATE ONLY " + pg::QualifiedName(e.schema, e.name) + ";")
                          .WithObject(Describe(e));
    if (!truncate.ok()) {
      rollback();
      return policy.Handle(truncate);
    }
    copy_sql = freeze;
  }
  Status begin = conn.BeginCopyIn(copy_sql).WithObject(Describe(e));
  if (!begin.ok()) {
    rollback();
    return policy.Handle(begin);
  }
  std::string block, trimmed;
  std::optional<CharPaddingTrimmer> trimmer;
  if (mode.trim) trimmer.emplace(e.char_columns);
  Status st;
  for (const auto& b : ctx.reader->BlocksOf(e.dump_id)) {
    if (ctx.cancel && ctx.cancel->cancelled()) {
      st = Status::Cancelled("restore cancelled");
      break;
    }
    // Checked against its checksum before a byte of it is sent.
    st = ctx.reader->ReadBlock(b, &block);
    if (!st.ok()) break;
    st = PutRows(conn, trimmer ? &*trimmer : nullptr, block, &trimmed, &totals.padding);
    if (!st.ok()) break;
    totals.rows += b.rows;
    totals.raw += block.size();
    events.AddProgress(b.rows, block.size(), b.stored_len, false);
  }
  if (st.ok()) st = PutRest(conn, trimmer ? &*trimmer : nullptr);
  Status end = conn.EndCopy(st.ok() ? "" : "nrestore: " + st.message());
  if (!st.ok() || !end.ok()) {
    rollback();
    if (!st.ok()) return st.WithObject(Describe(e));
    return policy.Handle(end.WithObject(Describe(e)));
  }
  const std::string enable = AfterCopySql(e, content);
  if (!enable.empty()) {
    Status after =
        policy.Handle(RunAroundCopy(conn, enable, in_transaction).WithObject(Describe(e)));
    if (!after.ok()) {
      rollback();
      return after;
    }
  }
  if (in_transaction) {
    Status commit = conn.Command(record + "\nCOMMIT;").WithObject(Describe(e));
    if (!commit.ok()) {
      rollback();
      return policy.Handle(commit);
    }
  }
  events.AddProgress(0, 0, 0, true);
  events.Verbose("loaded " + Describe(e));
  ++totals.tables;
  return Status::Ok();
}

}  // namespace libdump::restore
