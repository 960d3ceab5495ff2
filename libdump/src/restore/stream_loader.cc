#include "restore/stream_loader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "restore/char_trim.h"
#include "restore/entry_sql.h"
#include "restore/load.h"

namespace libdump::restore {

namespace {

using format::TocEntry;

// --- Pass 2 from a pipe (docs/architecture.md, "Restore from a pipe") -------------------------
//
// The calling thread (the dispatcher) reads the archive once, in order, with NextBlock, and hands
// each entry's blocks to the worker whose connection runs that entry's COPY. Invariants:
//   - an entry is loaded by at most one worker, and its blocks reach that worker in seq order:
//     each worker has one FIFO queue, filled only by the dispatcher, and an entry's spilled blocks
//     are queued (as one item) before any of its later blocks;
//   - a worker's queue holds at most kQueueBlocks blocks. The dispatcher waits only for a worker
//     to take a block off its queue or to fall idle, which the worker does without any help from
//     the dispatcher, so no wait is ever part of a cycle;
//   - an entry whose first block finds no free worker is spilled: its blocks go to an unlinked
//     temporary file until a worker takes the entry over.

// The spill file: unlinked as soon as it is created, so nothing is left behind whatever happens.
// Appended by the dispatcher, read back by workers with pread (safe concurrently with appends to
// other ranges). Every extent keeps the checksum of its bytes, so what comes back from the disk is
// checked before it is sent, like a block read from an archive. The data of an encrypted archive
// is sealed before it goes to the file, with a key that exists only in this process's memory
// (archive_format.md §15.5: nothing decrypted is written to disk).
class SpillFile {
 public:
  struct Extent {
    uint64_t offset = 0;
    uint32_t length = 0;
    uint32_t rows = 0;
    uint32_t stored = 0;  // the block's stored length in the archive, for progress reports
    uint64_t checksum = 0;
  };

  SpillFile() = default;
  ~SpillFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Seal what is written from now on (before the first Append).
  void set_sealed(bool sealed) { sealed_ = sealed; }

  Result<Extent> Append(std::string_view data, uint32_t rows, uint32_t stored) {
    if (fd_ < 0) RETURN_IF_ERROR(Create());
    if (sealer_) {
      sealer_->Seal(end_, data, &sealed_buf_);
      data = sealed_buf_;
    }
    Extent e;
    e.offset = end_;
    e.length = static_cast<uint32_t>(data.size());
    e.rows = rows;
    e.stored = stored;
    e.checksum = format::Checksum64(data);
    while (!data.empty()) {
      const ssize_t w = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(end_));
      if (w < 0) {
        if (errno == EINTR) continue;
        return Status::IoError("writing the spill file " + path_ + ": " + ErrnoText(errno));
      }
      data.remove_prefix(static_cast<size_t>(w));
      end_ += static_cast<uint64_t>(w);
    }
    return e;
  }

  Status Read(const Extent& e, std::string* out) const {
    out->resize(e.length);
    size_t done = 0;
    while (done < e.length) {
      const ssize_t r =
          ::pread(fd_, out->data() + done, e.length - done, static_cast<off_t>(e.offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        return Status::IoError("reading the spill file " + path_ + ": " +
                               (r < 0 ? ErrnoText(errno) : "unexpected end of file"));
      }
      done += static_cast<size_t>(r);
    }
    if (format::Checksum64(*out) != e.checksum) {
      return Status::IoError("the spill file " + path_ + " changed on disk at offset " +
                             std::to_string(e.offset));
    }
    if (sealer_) {
      thread_local std::string plain;
      if (!sealer_->Open(e.offset, *out, &plain)) {
        return Status::IoError("the spill file " + path_ + " changed on disk at offset " +
                               std::to_string(e.offset));
      }
      out->swap(plain);
    }
    return Status::Ok();
  }

  // Gives the disk space of an extent that has been loaded back to the file system (best effort:
  // without hole punching the file just keeps its size until it is closed).
  void Release(const Extent& e) const {
    (void)::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(e.offset),
                      static_cast<off_t>(e.length));
  }

  uint64_t bytes() const { return end_; }

 private:
  Status Create() {
    const char* tmpdir = std::getenv("TMPDIR");
    path_ = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/nrestore-spill.XXXXXX";
    fd_ = ::mkstemp(path_.data());
    if (fd_ < 0) {
      return Status::IoError("cannot create a spill file " + path_ + ": " + ErrnoText(errno));
    }
    ::unlink(path_.c_str());
    if (sealed_) {
      ASSIGN_OR_RETURN(sealer_, format::ScratchSealer::Create());
    }
    return Status::Ok();
  }

  int fd_ = -1;
  bool sealed_ = false;
  std::unique_ptr<format::ScratchSealer> sealer_;
  std::string sealed_buf_;  // Append's, on the dispatcher thread
  uint64_t end_ = 0;
  std::string path_;
};

// Sends a piece of an entry's COPY data: as it is, or through the entry's CharPaddingTrimmer
class StreamLoader {
 public:
  // Blocks a worker may have queued; with ~1 MiB blocks, a few MiB per connection.
  static constexpr int kQueueBlocks = 4;

  // Loads the entries in `plan` (borrowed, outlives the loader); the blocks of others are read
  // and passed over. `trims`: whether an entry's data goes without its char(n) padding.
  StreamLoader(format::ArchiveReader* reader, const std::vector<pg::PgConn*>& conns, Events* events,
               const CancelToken* cancel, const Plan* plan, const RestoreContent* content,
               std::function<bool(const TocEntry&)> trims, const Journal* journal)
      : reader_(reader),
        events_(events),
        cancel_(cancel),
        plan_(plan),
        content_(content),
        trims_(std::move(trims)),
        journal_(journal) {
    for (pg::PgConn* c : conns) {
      workers_.push_back(std::make_unique<Worker>());
      workers_.back()->conn = c;
    }
    spill_.set_sealed(reader->header().encrypted);
  }

  // Loads the data of every entry; returns the first failure (the reader's, a worker's, or
  // kCancelled). When the archive fails part-way, the entries that ended before the failure are
  // still loaded (WindDown). Every worker thread has exited, and no COPY is open, when it
  // returns.
  Status Run() {
    for (size_t i = 0; i < workers_.size(); ++i) {
      workers_[i]->thread = std::thread([this, i] { WorkerLoop(*workers_[i]); });
    }
    Status st = Dispatch();
    if (!st.ok() && cancel_ && cancel_->cancelled()) st = Status::Cancelled("restore cancelled");
    bool wound_down = false;
    if (st.code() == StatusCode::kCancelled) {
      Stop(st, /*cancel_statements=*/true);
    } else if (!st.ok()) {
      // The archive failed part-way (damage, a cut, an unreadable input or spill file).
      const Status wound = WindDown(st);
      if (!wound.ok()) Stop(wound, /*cancel_statements=*/true);
      wound_down = wound.ok();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
    }
    for (auto& w : workers_) w->cv.notify_all();
    for (auto& w : workers_) w->thread.join();
    if (wound_down) ReportLoaded();
    std::lock_guard<std::mutex> lock(mu_);
    if (!first_error_.ok()) {
      // A cancellation reaches the workers as server errors (PQcancel); report what it was.
      if (cancel_ && cancel_->cancelled()) return Status::Cancelled("restore cancelled");
      return first_error_;
    }
    // Entries with data but no block: nothing to send, complete all the same.
    // Entries an earlier run loaded (--resume) are complete too, but not loaded now.
    for (const TocEntry& e : reader_->toc()) {
      if (e.has_data() && plan_->Has(e.dump_id) && entries_.find(e.dump_id) == entries_.end()) {
        if (!Done(e.dump_id)) ++tables_;
        events_->AddProgress(0, 0, 0, true);
      }
    }
    if (spill_.bytes() > 0) {
      events_->Verbose("spilled " + std::to_string(spilled_entries_) + " entries, " +
                       std::to_string(spill_.bytes()) +
                       " bytes, to a temporary file while every connection was busy");
    }
    return Status::Ok();
  }

  // After the archive failed part-way: which data entries are in the database, complete and
  // committed, and that no other is (none is loaded in part). A warning, so that it shows
  // without -v: it is what the user must know to decide between the partial database and
  // another restore.
  void ReportLoaded() {
    std::vector<const TocEntry*> loaded;
    {
      std::lock_guard<std::mutex> lock(mu_);
      loaded = loaded_;
    }
    uint64_t selected = 0;
    for (const TocEntry& e : reader_->toc()) selected += e.has_data() && plan_->Has(e.dump_id);
    // In archive (TOC) order, whatever order the workers finished in.
    std::unordered_map<uint32_t, size_t> pos;
    for (size_t i = 0; i < reader_->toc().size(); ++i) pos[reader_->toc()[i].dump_id] = i;
    std::sort(loaded.begin(), loaded.end(), [&](const TocEntry* a, const TocEntry* b) {
      return pos[a->dump_id] < pos[b->dump_id];
    });
    std::string text = "the archive failed part-way: " + std::to_string(loaded.size()) + " of " +
                       std::to_string(selected) +
                       " data entries were loaded completely and committed, the others not at "
                       "all; indexes, constraints and sequence values were not restored";
    for (size_t i = 0; i < loaded.size(); ++i) {
      text += i == 0 ? "; complete: " : ", ";
      text += Describe(*loaded[i]);
    }
    events_->Warning(text);
  }

  uint64_t tables() const { return tables_.load(); }
  uint64_t rows() const { return rows_.load(); }
  uint64_t raw_bytes() const { return raw_.load(); }
  uint64_t padding_bytes() const { return padding_.load(); }

 private:
  struct EntryState {
    const TocEntry* entry = nullptr;
    int worker = -1;       // the worker that loads it, once it has one
    bool spilled = false;  // in spilled_, waiting for a worker
    bool ended = false;    // its last block has been read
    uint64_t spilled_bytes = 0;
    std::vector<SpillFile::Extent> extents;  // its blocks in the spill file, not yet queued
  };

  struct Item {
    enum class Kind { kBegin, kData, kSpilled, kEnd, kAbort };
    Kind kind = Kind::kBegin;
    EntryState* entry = nullptr;
    std::string data;  // kData
    uint32_t rows = 0;
    uint32_t stored = 0;
    std::vector<SpillFile::Extent> extents;  // kSpilled
    bool backlog = false;  // kEnd of an entry taken over complete from the spill file
  };

  struct Worker {
    pg::PgConn* conn = nullptr;
    std::thread thread;
    std::condition_variable cv;  // items arrived, or stop
    // Guarded by mu_:
    std::deque<Item> queue;
    int queued_blocks = 0;  // kData items in the queue
    int backlog = 0;        // complete entries taken from the spill file and not yet loaded
    bool busy = false;      // an item is being processed
    // The dispatcher's own: the entry whose blocks it is receiving as they are read.
    EntryState* live = nullptr;
    // The worker's own: the open entry's char(n) trimming, when it has any, and its output.
    std::optional<CharPaddingTrimmer> trimmer;
    std::string trimmed;
  };

  bool Journalled() const { return journal_ != nullptr && journal_->enabled(); }
  bool Done(uint32_t dump_id) const {
    return journal_ != nullptr && journal_->Done(Step::kData, dump_id);
  }

  // --- dispatcher ------------------------------------------------------------------------------

  Status Dispatch() {
    format::BlockInfo info;
    std::string raw;
    for (;;) {
      if (cancel_ && cancel_->cancelled()) return Status::Cancelled("restore cancelled");
      if (stop_.load()) return Status::Ok();  // a worker failed; Run returns its error
      FeedIdleWorkers();
      ASSIGN_OR_RETURN(const bool more, reader_->NextBlock(&info, &raw));
      if (!more) break;
      RETURN_IF_ERROR(Route(info, &raw));
    }
    // The index and footer are valid: every entry is complete. Entries still live end here (in
    // archives without end-of-entry marks the index is the first news of their end); the spilled
    // ones go to workers as the workers fall idle, largest first. Spilled entries are marked
    // complete first, so that ending a live one does not make one of them live.
    for (EntryState* s : spilled_) s->ended = true;
    for (auto& w : workers_) {
      if (w->live != nullptr) EndEntry(*w->live);
    }
    while (!spilled_.empty()) {
      RETURN_IF_ERROR(WaitForIdleWorker());
      if (stop_.load()) return Status::Ok();
      FeedIdleWorkers();
    }
    return Status::Ok();
  }

  // After the archive failed at some point: the entries whose last block was read before that
  // point are still loaded and committed (the live ones from their queues, the spilled ones from
  // the spill file), every other one is rolled back or never started. So what a damaged stream
  // leaves in the database depends only on where the damage is, not on how far the workers had
  // got. Records `failure` as the result of the restore; returns only a cancellation.
  Status WindDown(const Status& failure) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (first_error_.ok()) first_error_ = failure;
    }
    for (size_t i = 0; i < workers_.size(); ++i) {
      Worker& w = *workers_[i];
      if (w.live == nullptr) continue;
      Item abort;
      abort.kind = Item::Kind::kAbort;
      abort.entry = w.live;
      (void)Push(static_cast<int>(i), std::move(abort));  // not a block: never waits
      w.live = nullptr;
    }
    spilled_.erase(std::remove_if(spilled_.begin(), spilled_.end(),
                                  [](const EntryState* e) { return !e->ended; }),
                   spilled_.end());
    while (!spilled_.empty() && !stop_.load()) {
      RETURN_IF_ERROR(WaitForIdleWorker());
      FeedIdleWorkers();
    }
    return Status::Ok();
  }

  EntryState& StateOf(uint32_t dump_id) {
    EntryState& e = entries_[dump_id];
    if (e.entry == nullptr) e.entry = reader_->FindEntry(dump_id);  // the reader checked it
    return e;
  }

  Status Route(const format::BlockInfo& info, std::string* raw) {
    // Not selected, or loaded by an earlier run (--resume).
    if (!plan_->Has(info.dump_id) || Done(info.dump_id)) return Status::Ok();
    EntryState& e = StateOf(info.dump_id);
    if (e.worker < 0 && !e.spilled) {  // its first block
      const int w = FreeWorker();
      if (w >= 0) {
        workers_[static_cast<size_t>(w)]->live = &e;
        e.worker = w;
        Item begin;
        begin.kind = Item::Kind::kBegin;
        begin.entry = &e;
        RETURN_IF_ERROR(Push(w, std::move(begin)));
      } else {
        e.spilled = true;
        spilled_.push_back(&e);
        ++spilled_entries_;
      }
    }
    if (e.spilled) {
      ASSIGN_OR_RETURN(const SpillFile::Extent x, spill_.Append(*raw, info.rows, info.stored_len));
      e.extents.push_back(x);
      e.spilled_bytes += x.length;
    } else {
      Item data;
      data.kind = Item::Kind::kData;
      data.entry = &e;
      data.data = std::move(*raw);
      data.rows = info.rows;
      data.stored = info.stored_len;
      RETURN_IF_ERROR(Push(e.worker, std::move(data)));
    }
    if (info.last) EndEntry(e);  // archive_format.md §7.4
    return Status::Ok();
  }

  // The entry's data is complete. A live entry's worker is free from here on and goes straight
  // on with the oldest entry still streaming into the spill file, if there is one.
  void EndEntry(EntryState& e) {
    e.ended = true;
    if (e.spilled) return;  // stays spilled, now complete
    const int w = e.worker;
    Item end;
    end.kind = Item::Kind::kEnd;
    end.entry = &e;
    (void)Push(w, std::move(end));  // not a block: never waits, never fails
    workers_[static_cast<size_t>(w)]->live = nullptr;
    for (EntryState* s : spilled_) {
      if (!s->ended) {
        TakeOver(*s, w);
        break;
      }
    }
  }

  // Gives a spilled entry to worker `w`: its spilled blocks first, then (if it is still
  // streaming) the rest as they are read; a complete one is queued whole and counted as backlog.
  void TakeOver(EntryState& e, int w) {
    spilled_.erase(std::find(spilled_.begin(), spilled_.end(), &e));
    e.spilled = false;
    e.worker = w;
    Worker& worker = *workers_[static_cast<size_t>(w)];
    Item begin;
    begin.kind = Item::Kind::kBegin;
    begin.entry = &e;
    Item spilled;
    spilled.kind = Item::Kind::kSpilled;
    spilled.entry = &e;
    spilled.extents = std::move(e.extents);
    e.extents.clear();
    std::lock_guard<std::mutex> lock(mu_);
    worker.queue.push_back(std::move(begin));
    worker.queue.push_back(std::move(spilled));
    if (e.ended) {
      Item end;
      end.kind = Item::Kind::kEnd;
      end.entry = &e;
      end.backlog = true;
      worker.queue.push_back(std::move(end));
      ++worker.backlog;
    } else {
      worker.live = &e;
    }
    worker.cv.notify_one();
  }

  // A worker that may start a new entry now: none is live on it and it has no backlog. Idle ones
  // first. -1 when there is none.
  int FreeWorker() {
    std::lock_guard<std::mutex> lock(mu_);
    int candidate = -1;
    for (size_t i = 0; i < workers_.size(); ++i) {
      const Worker& w = *workers_[i];
      if (w.live != nullptr || w.backlog != 0) continue;
      if (w.queue.empty() && !w.busy) return static_cast<int>(i);
      if (candidate < 0) candidate = static_cast<int>(i);
    }
    return candidate;
  }

  // Gives spilled entries to idle workers: one still streaming (oldest first) or else a complete
  // one (largest first).
  void FeedIdleWorkers() {
    for (size_t i = 0; i < workers_.size() && !spilled_.empty(); ++i) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        const Worker& w = *workers_[i];
        if (w.live != nullptr || w.backlog != 0 || !w.queue.empty() || w.busy) continue;
      }
      EntryState* pick = nullptr;
      for (EntryState* s : spilled_) {
        if (!s->ended) {
          pick = s;
          break;
        }
        if (pick == nullptr || s->spilled_bytes > pick->spilled_bytes) pick = s;
      }
      TakeOver(*pick, static_cast<int>(i));
    }
  }

  // Queues `item` for worker `w`. A block waits for room in the queue; the worker makes room by
  // itself, so this wait always ends (or the restore stops).
  Status Push(int w, Item item) {
    Worker& worker = *workers_[static_cast<size_t>(w)];
    const bool block = item.kind == Item::Kind::kData;
    std::unique_lock<std::mutex> lock(mu_);
    while (block && worker.queued_blocks >= kQueueBlocks && !stop_.load()) {
      if (cancel_ && cancel_->cancelled()) return Status::Cancelled("restore cancelled");
      space_cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
    if (stop_.load()) return Status::Ok();  // Dispatch notices and returns
    if (block) ++worker.queued_blocks;
    worker.queue.push_back(std::move(item));
    worker.cv.notify_one();
    return Status::Ok();
  }

  Status WaitForIdleWorker() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (stop_.load()) return Status::Ok();
      if (cancel_ && cancel_->cancelled()) return Status::Cancelled("restore cancelled");
      for (const auto& w : workers_) {
        if (w->live == nullptr && w->backlog == 0 && w->queue.empty() && !w->busy) {
          return Status::Ok();
        }
      }
      space_cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }

  // Records the first failure and stops everything. A worker's failure also cancels the
  // statements of the others, as the seekable path does; after a reader failure the workers
  // abort their open COPY themselves.
  void Stop(const Status& st, bool cancel_statements) {
    bool first = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (first_error_.ok()) {
        first_error_ = st;
        first = true;
      }
      stop_.store(true);
    }
    for (auto& w : workers_) w->cv.notify_all();
    space_cv_.notify_all();
    if (first && cancel_statements) {
      for (auto& w : workers_) w->conn->Cancel();
    }
  }

  // --- workers ---------------------------------------------------------------------------------

  void WorkerLoop(Worker& w) {
    EntryState* open = nullptr;  // the entry whose COPY is open on this connection
    std::string buf;
    for (;;) {
      Item item;
      {
        std::unique_lock<std::mutex> lock(mu_);
        w.busy = false;
        space_cv_.notify_all();
        w.cv.wait(lock, [&] { return stop_.load() || !w.queue.empty() || finished_; });
        if (stop_.load() || w.queue.empty()) break;
        item = std::move(w.queue.front());
        w.queue.pop_front();
        if (item.kind == Item::Kind::kData) --w.queued_blocks;
        w.busy = true;
      }
      space_cv_.notify_all();
      const Status st = Process(w, item, &open, &buf);
      if (!st.ok()) {
        Stop(st.WithObject(Describe(*item.entry->entry)), /*cancel_statements=*/true);
        break;
      }
      if (item.backlog) {
        std::lock_guard<std::mutex> lock(mu_);
        --w.backlog;
      }
    }
    if (open != nullptr) {
      // The server rolls the table's COPY back: no half-loaded table is left behind.
      (void)w.conn->EndCopy("nrestore: the restore stopped before the end of the data of " +
                            Describe(*open->entry));
      if (Journalled()) (void)w.conn->Command("ROLLBACK");
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      w.busy = false;
    }
    space_cv_.notify_all();
  }

  Status Send(Worker& w, std::string_view data, uint32_t rows, uint32_t stored) {
    if (cancel_ && cancel_->cancelled()) return Status::Cancelled("restore cancelled");
    RETURN_IF_ERROR(
        PutRows(*w.conn, w.trimmer ? &*w.trimmer : nullptr, data, &w.trimmed, &padding_));
    rows_ += rows;
    raw_ += data.size();
    events_->AddProgress(rows, data.size(), stored, false);
    return Status::Ok();
  }

  Status Process(Worker& w, const Item& item, EntryState** open, std::string* buf) {
    const TocEntry& e = *item.entry->entry;
    switch (item.kind) {
      case Item::Kind::kBegin: {
        // With a journal, the entry's statements, its COPY and its journal row are one
        // transaction, committed at its end (kEnd) and rolled back if it does not get there.
        if (Journalled()) RETURN_IF_ERROR(w.conn->Command("BEGIN"));
        *open = item.entry;
        const std::string disable = BeforeCopySql(e, *content_);
        if (!disable.empty()) RETURN_IF_ERROR(RunAroundCopy(*w.conn, disable, Journalled()));
        events_->StartEntry(Describe(e));
        w.trimmer.reset();
        if (trims_(e)) w.trimmer.emplace(e.char_columns);
        return w.conn->BeginCopyIn(e.copy_sql);
      }
      case Item::Kind::kData:
        return Send(w, item.data, item.rows, item.stored);
      case Item::Kind::kSpilled:
        for (const SpillFile::Extent& x : item.extents) {
          if (stop_.load()) return Status::Ok();  // the loop stops at its next item
          RETURN_IF_ERROR(spill_.Read(x, buf));
          RETURN_IF_ERROR(Send(w, *buf, x.rows, x.stored));
          spill_.Release(x);
        }
        return Status::Ok();
      case Item::Kind::kAbort:  // the archive failed before the end of this entry
        *open = nullptr;
        (void)w.conn->EndCopy("nrestore: the archive failed before the end of the data of " +
                              Describe(e));
        if (Journalled()) (void)w.conn->Command("ROLLBACK");
        return Status::Ok();
      case Item::Kind::kEnd: {
        const Status rest = PutRest(*w.conn, w.trimmer ? &*w.trimmer : nullptr);
        w.trimmer.reset();
        RETURN_IF_ERROR(rest);
        *open = nullptr;
        Status st = w.conn->EndCopy();
        const std::string enable = AfterCopySql(e, *content_);
        if (st.ok() && !enable.empty()) st = RunAroundCopy(*w.conn, enable, Journalled());
        if (st.ok() && Journalled()) {
          st = w.conn->Command(journal_->RecordSql(Step::kData, e.dump_id) + "\nCOMMIT;");
        }
        if (!st.ok()) {
          if (Journalled()) (void)w.conn->Command("ROLLBACK");
          return st;
        }
        ++tables_;
        {
          std::lock_guard<std::mutex> lock(mu_);
          loaded_.push_back(&e);
        }
        events_->AddProgress(0, 0, 0, true);
        events_->Verbose("loaded " + Describe(e));
        return Status::Ok();
      }
    }
    return Status::Internal("unknown work item");
  }

  format::ArchiveReader* reader_;
  Events* events_;
  const CancelToken* cancel_;
  const Plan* plan_;
  const RestoreContent* content_;
  const std::function<bool(const TocEntry&)> trims_;
  const Journal* journal_;  // may be null
  std::vector<std::unique_ptr<Worker>> workers_;
  SpillFile spill_;
  // The dispatcher's own:
  std::unordered_map<uint32_t, EntryState> entries_;  // node-based: EntryState* stay valid
  std::vector<EntryState*> spilled_;                  // in order of their first block
  uint64_t spilled_entries_ = 0;
  // Shared:
  std::mutex mu_;
  std::condition_variable space_cv_;  // room in a queue, a worker idle, or stop
  std::atomic<bool> stop_{false};
  bool finished_ = false;                // the dispatcher queues nothing more (mu_)
  Status first_error_;                   // (mu_)
  std::vector<const TocEntry*> loaded_;  // entries whose COPY committed (mu_)
  std::atomic<uint64_t> tables_{0};
  std::atomic<uint64_t> rows_{0};
  std::atomic<uint64_t> raw_{0};
  std::atomic<uint64_t> padding_{0};
};

}  // namespace

Status LoadFromStream(format::ArchiveReader* reader, const std::vector<pg::PgConn*>& conns,
                      Events* events, const CancelToken* cancel, const Plan* plan,
                      const RestoreContent* content,
                      std::function<bool(const format::TocEntry&)> trims, const Journal* journal,
                      LoadTotals* totals) {
  StreamLoader loader(reader, conns, events, cancel, plan, content, std::move(trims), journal);
  RETURN_IF_ERROR(loader.Run());
  totals->tables += loader.tables();
  totals->rows += loader.rows();
  totals->raw += loader.raw_bytes();
  totals->padding += loader.padding_bytes();
  return Status::Ok();
}

}  // namespace libdump::restore
