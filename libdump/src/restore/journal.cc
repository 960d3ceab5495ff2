#include "restore/journal.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace libdump::restore {

using format::TocEntry;

namespace {

// Appends a field with its length, so that no two different sequences of fields hash alike.
void Field(std::string* out, std::string_view s) {
  *out += std::to_string(s.size());
  *out += ':';
  out->append(s);
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

std::string Schema() { return pg::QuoteIdent(kJournalSchema); }

}  // namespace

std::string ArchiveIdentity(const format::ArchiveHeader& header, const std::vector<TocEntry>& toc) {
  std::string s;
  Field(&s, header.database);
  Field(&s, header.server_version);
  Field(&s, header.tool_version);
  Field(&s, std::to_string(header.created_unix_seconds));
  for (const TocEntry& e : toc) {
    Field(&s, std::to_string(e.dump_id));
    Field(&s, e.kind);
    Field(&s, std::to_string(static_cast<int>(e.section)));
    Field(&s, e.schema);
    Field(&s, e.name);
    Field(&s, e.owner);
    Field(&s, e.create_sql);
    Field(&s, e.copy_sql);
    std::string deps;
    for (uint32_t d : e.deps) deps += std::to_string(d) + ",";
    Field(&s, deps);
  }
  return Hex(format::Checksum64(s));
}

std::string SelectionIdentity(const Plan& plan, const RestoreContent& c) {
  std::string s;
  for (const TocEntry* e : plan.entries) s += std::to_string(e->dump_id) + ",";
  s += plan.database ? "C" : "-";
  for (const TocEntry* e : plan.drops) s += std::to_string(e->dump_id) + ",";
  // The options that change the statements of selected entries.
  s += c.no_owner ? "O" : "-";
  s += c.if_exists ? "E" : "-";
  s += c.data_only ? "a" : "-";
  s += c.disable_triggers ? "D" : "-";
  Field(&s, c.role);
  return Hex(format::Checksum64(s));
}

Result<Journal> Journal::Start(pg::PgConn& conn, const std::string& archive,
                               const std::string& selection, std::string* warning) {
  {
    ASSIGN_OR_RETURN(pg::PgResult r,
                     conn.Query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = " +
                                pg::QuoteLiteral(kJournalSchema)));
    if (r.rows() != 0) {
      return Status::InvalidArgument(
          std::string("the target database holds the journal of an unfinished restore (schema ") +
          kJournalSchema +
          "): finish that restore with --resume, or restore into an empty database");
    }
  }
  const std::string schema = Schema();
  // A synchronous commit, unlike the restore's others: once the restore has begun, a crash must
  // find the journal, else --resume would refuse a database the restore had started on. (Every
  // later commit is asynchronous: one lost in a crash takes its journal row with it.)
  const Status st = conn.Command(
      "BEGIN; SET LOCAL synchronous_commit = on; CREATE SCHEMA " + schema + "; CREATE TABLE " +
      schema + ".restore (archive text NOT NULL, selection text NOT NULL); CREATE TABLE " + schema +
      ".done (step \"char\" NOT NULL, dump_id bigint NOT NULL, PRIMARY KEY (step, dump_id)); "
      "INSERT INTO " +
      schema + ".restore VALUES (" + pg::QuoteLiteral(archive) + ", " +
      pg::QuoteLiteral(selection) + "); COMMIT;");
  Journal j;
  if (!st.ok()) {
    (void)conn.Command("ROLLBACK");
    if (st.sqlstate() != "42501") return st;
    *warning = "no restore journal (" + st.message() + "): this restore cannot be resumed";
    return j;
  }
  j.enabled_ = true;
  return j;
}

Result<Journal> Journal::Resume(pg::PgConn& conn, const std::string& archive,
                                const std::string& selection) {
  ASSIGN_OR_RETURN(pg::PgResult ns,
                   conn.Query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = " +
                              pg::QuoteLiteral(kJournalSchema)));
  if (ns.rows() == 0) {
    return Status::InvalidArgument(
        "nothing to resume: the target database holds no restore journal (a restore that "
        "finished dropped it; one that never started made none)");
  }
  const std::string schema = Schema();
  ASSIGN_OR_RETURN(pg::PgResult id,
                   conn.Query("SELECT archive, selection FROM " + schema + ".restore"));
  if (id.rows() != 1) {
    return Status::InvalidArgument(std::string("the restore journal (schema ") + kJournalSchema +
                                   ") is not one nrestore wrote: cannot resume");
  }
  if (id.GetString(0, 0) != archive) {
    return Status::InvalidArgument(
        "cannot resume: the restore in the target database was started from another archive "
        "(journal " +
        id.GetString(0, 0) + ", this archive " + archive + ")");
  }
  if (id.GetString(0, 1) != selection) {
    return Status::InvalidArgument(
        "cannot resume: the restore in the target database was started from this archive with "
        "other selection or content options; resume it with the options it started with");
  }
  ASSIGN_OR_RETURN(pg::PgResult done, conn.Query("SELECT step, dump_id FROM " + schema + ".done"));
  Journal j;
  j.enabled_ = true;
  for (int r = 0; r < done.rows(); ++r) {
    const std::string step = done.GetString(r, 0);
    const uint32_t dump_id =
        static_cast<uint32_t>(std::strtoul(done.GetString(r, 1).c_str(), nullptr, 10));
    if (step.size() != 1) continue;
    j.done_.insert(Key(static_cast<Step>(step[0]), dump_id));
  }
  return j;
}

bool Journal::Done(Step step, uint32_t dump_id) const {
  return done_.count(Key(step, dump_id)) != 0;
}

std::string Journal::RecordSql(Step step, uint32_t dump_id) const {
  if (!enabled_) return "";
  return "\n;\nINSERT INTO " + Schema() + ".done VALUES ('" +
         std::string(1, static_cast<char>(step)) + "', " + std::to_string(dump_id) + ");";
}

Status Journal::Finish(pg::PgConn& conn) const {
  if (!enabled_) return Status::Ok();
  return conn.Command("DROP SCHEMA " + Schema() + " CASCADE;");
}

}  // namespace libdump::restore
