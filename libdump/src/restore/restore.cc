#include "libdump/restore.h"

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
#include <unordered_set>

#include "common/events.h"
#include "pg/cancel_watch.h"
#include "pg/pg.h"
#include "restore/char_trim.h"
#include "restore/entry_sql.h"
#include "restore/precheck.h"
#include "restore/selection.h"
#include "sched/task_graph.h"

namespace libdump {

namespace {

using format::Section;
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
// checked before it is sent, like a block read from an archive.
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

  Result<Extent> Append(std::string_view data, uint32_t rows, uint32_t stored) {
    if (fd_ < 0) RETURN_IF_ERROR(Create());
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
    return Status::Ok();
  }

  int fd_ = -1;
  uint64_t end_ = 0;
  std::string path_;
};

// Sends a piece of an entry's COPY data: as it is, or through the entry's CharPaddingTrimmer
// when it has one (the trimmed copy in `scratch`, the spaces left out added to `padding`).
Status PutRows(pg::PgConn& conn, restore::CharPaddingTrimmer* trimmer, std::string_view data,
               std::string* scratch, std::atomic<uint64_t>* padding) {
  if (trimmer == nullptr) return conn.PutCopyData(data);
  *padding += trimmer->Trim(data, scratch);
  return scratch->empty() ? Status::Ok() : conn.PutCopyData(*scratch);
}

// At the end of an entry's data: sends what its trimmer still holds (a last row without its
// newline, which COPY text never has), as it came.
Status PutRest(pg::PgConn& conn, restore::CharPaddingTrimmer* trimmer) {
  if (trimmer == nullptr) return Status::Ok();
  const std::string rest = trimmer->TakeRest();
  return rest.empty() ? Status::Ok() : conn.PutCopyData(rest);
}

class StreamLoader {
 public:
  // Blocks a worker may have queued; with ~1 MiB blocks, a few MiB per connection.
  static constexpr int kQueueBlocks = 4;

  // Loads the entries in `plan` (borrowed, outlives the loader); the blocks of others are read
  // and passed over. `trims`: whether an entry's data goes without its char(n) padding.
  StreamLoader(format::ArchiveReader* reader, const std::vector<pg::PgConn*>& conns, Events* events,
               const CancelToken* cancel, const restore::Plan* plan, const RestoreContent* content,
               std::function<bool(const TocEntry&)> trims)
      : reader_(reader),
        events_(events),
        cancel_(cancel),
        plan_(plan),
        content_(content),
        trims_(std::move(trims)) {
    for (pg::PgConn* c : conns) {
      workers_.push_back(std::make_unique<Worker>());
      workers_.back()->conn = c;
    }
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
    for (const TocEntry& e : reader_->toc()) {
      if (e.has_data() && plan_->Has(e.dump_id) && entries_.find(e.dump_id) == entries_.end()) {
        ++tables_;
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
    std::optional<restore::CharPaddingTrimmer> trimmer;
    std::string trimmed;
  };

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
    if (!plan_->Has(info.dump_id)) return Status::Ok();  // not selected
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
        const std::string disable = restore::BeforeCopySql(e, *content_);
        if (!disable.empty()) RETURN_IF_ERROR(w.conn->Command(disable));
        events_->StartEntry(Describe(e));
        w.trimmer.reset();
        if (trims_(e)) w.trimmer.emplace(e.char_columns);
        RETURN_IF_ERROR(w.conn->BeginCopyIn(e.copy_sql));
        *open = item.entry;
        return Status::Ok();
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
        return Status::Ok();
      case Item::Kind::kEnd: {
        *open = nullptr;
        const Status rest = PutRest(*w.conn, w.trimmer ? &*w.trimmer : nullptr);
        w.trimmer.reset();
        RETURN_IF_ERROR(rest);
        RETURN_IF_ERROR(w.conn->EndCopy());
        const std::string enable = restore::AfterCopySql(e, *content_);
        if (!enable.empty()) RETURN_IF_ERROR(w.conn->Command(enable));
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
  const restore::Plan* plan_;
  const RestoreContent* content_;
  const std::function<bool(const TocEntry&)> trims_;
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

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Settings for the restore connections only (not the script writer: they change speed, not
// what is restored). Commits need not wait for the WAL flush: a restore commits once per table
// and index, and the end of the restore makes everything durable at once (kDurableSql).
// Index builds get at least 256 MB of maintenance memory; a server configured higher keeps its
// value.
constexpr const char* kBulkLoadSessionSql =
    "SET synchronous_commit = off; "
    "SELECT pg_catalog.set_config('maintenance_work_mem', '256MB', false) "
    "WHERE pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem')) < "
    "256 * 1024 * 1024;";

// Run last on a restore connection: a transaction that writes a commit record and waits for its
// flush, which flushes the WAL of every earlier (asynchronous) commit of the restore too.
constexpr const char* kDurableSql =
    "SET synchronous_commit = on; BEGIN; SELECT pg_catalog.txid_current(); COMMIT;";

// The post-data entries that concern one table and may run as soon as that table's data is in
// (and their comments and ACLs, which follow their object). Any other post-data entry (foreign
// keys, materialized view data, publications, ...) may read or lock other tables and waits for
// all the data and all of these.
bool TableLocal(const TocEntry& e) {
  static const std::unordered_set<std::string> kKinds = {
      "INDEX",         "CONSTRAINT",       "CHECK CONSTRAINT", "INDEX ATTACH",
      "CLUSTER ON",    "REPLICA IDENTITY", "TRIGGER",          "RULE",
      "POLICY",        "STATISTICS",       "COMMENT",          "ACL",
      "SECURITY LABEL"};
  return kKinds.count(e.kind) != 0;
}

// COPY FREEZE only pays for a table of at least this much COPY text: the TRUNCATE it needs gives
// the table (and its TOAST table and index) new files, and the new TOAST index costs a file
// sync, which outweighs the gain on a small table. Measured: about 10% off the load and the
// primary key build of a 200 MB table.
constexpr uint64_t kFreezeMinBytes = 8ull << 20;

// A primary key or unique constraint is built as CREATE UNIQUE INDEX then attached (index_sql,
// attach_sql) only on a table with at least this much data: below it the builds are short and
// the extra statement is not worth it.
constexpr uint64_t kSplitKeyMinBytes = 8ull << 20;

// The data statement of an unsplit table loaded in the transaction that truncated it: COPY ...
// FREEZE writes its rows frozen and its pages all-visible, so the index builds that follow, and
// the first VACUUM, need not visit every tuple's transaction status and rewrite the page with
// hint bits. "" when copy_sql does not end as ndump writes it.
std::string FreezeCopySql(const std::string& copy_sql) {
  static constexpr std::string_view kTail = " FROM stdin;";
  const std::string_view sql(copy_sql);
  if (IsBinaryCopy(copy_sql)) return std::string(sql.substr(0, sql.size() - 2)) + ", FREEZE);";
  if (!sql.ends_with(kTail)) return "";
  return std::string(sql.substr(0, sql.size() - 1)) + " WITH (FREEZE);";
}

}  // namespace

Result<std::vector<TocEntry>> ListArchive(ByteSource* source, format::ArchiveHeader* header) {
  if (source == nullptr) return Status::InvalidArgument("no input source");
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source));
  // A file is complete only with a valid footer and index (archive_format.md §3): a list of a
  // truncated or damaged file must not look like the list of a good one. Both are read from the
  // end of the file, whatever its size.
  if (source->Seekable()) RETURN_IF_ERROR(reader->LoadIndex());
  if (header) *header = reader->header();
  return reader->toc();
}

Status VerifyArchive(ByteSource* source, format::VerifyReport* report) {
  if (source == nullptr) return Status::InvalidArgument("no input source");
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source));
  // A file cut short (a killed dump's leftover) is first of all incomplete: say so, rather than
  // which structure the cut happens to fall in.
  if (source->Seekable()) RETURN_IF_ERROR(reader->LoadIndex());
  return reader->Verify(report);
}

Result<RestoreSummary> Restore(const RestoreOptions& options, ByteSource* source,
                               Observer* observer, const CancelToken* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  Events events(observer);
  if (options.jobs < 1) return Status::InvalidArgument("--jobs must be at least 1");
  if (source == nullptr) return Status::InvalidArgument("no input source");
  // The options as given, but for data_only, which the selection may imply (DataOnly).
  RestoreContent effective_content = options.content;
  const RestoreContent& content = effective_content;
  RETURN_IF_ERROR(restore::CheckContent(content, options.jobs));

  // A seekable archive: header, TOC, footer and block index, then (unless the caller opts out)
  // every data block to be loaded are checked before the server is contacted, so a truncated,
  // foreign or damaged file never touches the target database. A pipe is read once, as it comes
  // (StreamLoader): header and TOC before the server is contacted, the rest while loading.
  const bool streaming = !source->Seekable();
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source));
  if (!streaming) RETURN_IF_ERROR(reader->LoadIndex());
  const auto& toc = reader->toc();
  ASSIGN_OR_RETURN(const restore::Plan plan, restore::Select(toc, content));
  if (!streaming && options.check_blocks_first) {
    RETURN_IF_ERROR(restore::CheckBlocksFirst(*reader, plan, &events, cancel));
  }
  effective_content.data_only = restore::DataOnly(plan, content);
  restore::ErrorPolicy policy(content, &events);

  ConnectionOptions conn_opts = options.connection;
  const std::string session =
      restore::SessionSql(reader->header().encoding, content) + kBulkLoadSessionSql;
  std::string target_db;  // with --create, the database created
  if (plan.database != nullptr) {
    // --create: CREATE DATABASE (after DROP DATABASE with --clean) from the database named on
    // the command line, then everything else in the new database.
    ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> admin, pg::PgConn::Connect(conn_opts, session));
    for (const TocEntry* d : plan.drops) {
      RETURN_IF_ERROR(policy.Handle(
          admin->Command(restore::DropSql(*d, content.if_exists)).WithObject(Describe(*d))));
    }
    // CREATE DATABASE cannot share a (transaction-wrapped) string with its owner statement.
    RETURN_IF_ERROR(admin->Command(plan.database->create_sql).WithObject(Describe(*plan.database)));
    const std::string owner =
        restore::EntrySql(*plan.database, content).substr(plan.database->create_sql.size());
    if (!owner.empty()) {
      RETURN_IF_ERROR(policy.Handle(admin->Command(owner).WithObject(Describe(*plan.database))));
    }
    events.Verbose("created " + Describe(*plan.database));
    conn_opts.password = admin->password();
    target_db = plan.database->name;
  }
  pg::ConnGroup group;
  ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> leader,
                   pg::PgConn::Connect(conn_opts, session, target_db));
  // Declared before the watcher, so the watcher stops before any connection is closed.
  std::vector<std::unique_ptr<pg::PgConn>> conns;
  group.Add(leader.get());
  pg::CancelWatcher watcher(cancel, &group);
  ConnectionOptions worker_opts = conn_opts;
  worker_opts.password = leader->password();
  worker_opts.password_policy = PasswordPolicy::kNever;

  RestoreSummary summary;
  // Runs an entry's statements. A failure goes through the error policy (counted and passed
  // over unless -e or -1); `ran`, when given, says whether the statements succeeded.
  // `report` false: not reported as restored (the first half of a split entry).
  auto exec_entry = [&](pg::PgConn& conn, const TocEntry& e, bool* ran = nullptr,
                        bool report = true) -> Status {
    if (ran) *ran = false;
    std::string sql = restore::AdaptToServer(e, restore::EntrySql(e, content),
                                             static_cast<int>(reader->header().server_version_num),
                                             conn.server_version());
    if (sql.empty()) return Status::Ok();
    Status st = conn.Command(sql);
    if (!st.ok()) return policy.Handle(st.WithObject(Describe(e)));
    if (ran) *ran = true;
    if (report) events.Verbose("restored " + Describe(e));
    return Status::Ok();
  };

  // -1: one transaction, on the one connection (CheckContent made sure jobs is 1).
  if (content.single_transaction) RETURN_IF_ERROR(leader->Command("BEGIN"));
  // --clean: drop what is about to be created, dependents first.
  if (plan.database == nullptr) {
    for (const TocEntry* d : plan.drops) {
      if (cancel && cancel->cancelled()) return Status::Cancelled("restore cancelled");
      RETURN_IF_ERROR(policy.Handle(
          leader->Command(restore::DropSql(*d, content.if_exists)).WithObject(Describe(*d))));
    }
  }

  // Pass 1: pre-data, in TOC order (the dump sorted it by dependencies; -L may reorder it), on
  // one connection at a time. From a pipe it all runs first, on the leader. From a file it is a
  // chain of tasks at the head of the task graph below, so the data of a table whose pre-data is
  // done (its CREATE and every pre-data entry that depends on it) loads on another connection
  // while the rest of the pre-data runs: creating many small tables is bound by file syncs, not
  // by the CPU. With --create (the database's settings apply to connections opened after its
  // DATABASE PROPERTIES entry) and with -1 (one connection) it all runs first, as from a pipe.
  std::vector<const TocEntry*> pre;
  for (const TocEntry* ep : plan.entries) {
    if (restore::RunsBeforeData(*ep)) pre.push_back(ep);
  }
  const bool pre_data_first =
      streaming || plan.database != nullptr || content.single_transaction || options.jobs == 1;
  std::mutex created_mu;
  std::unordered_set<uint32_t> created;  // pre-data entries this restore ran successfully
  auto run_pre = [&](pg::PgConn& conn, const TocEntry& e) -> Status {
    bool ran = false;
    RETURN_IF_ERROR(exec_entry(conn, e, &ran));
    if (ran) {
      std::lock_guard<std::mutex> lock(created_mu);
      created.insert(e.dump_id);
    }
    return Status::Ok();
  };
  auto was_created = [&](uint32_t id) {
    std::lock_guard<std::mutex> lock(created_mu);
    return created.count(id) != 0;
  };
  if (pre_data_first) {
    for (const TocEntry* ep : pre) {
      if (cancel && cancel->cancelled()) return Status::Cancelled("restore cancelled");
      RETURN_IF_ERROR(run_pre(*leader, *ep));
    }
  }
  summary.entries += pre.size();

  // Pass 2 and 3: table data and post-data. From a file, one task graph: a table's indexes and
  // constraints start as soon as its data is in. From a pipe, the data goes first in the order it
  // arrives (StreamLoader), then the post-data graph.
  std::unordered_map<uint32_t, uint64_t> raw_size;
  for (const auto& s : reader->stats()) raw_size[s.dump_id] = s.raw_bytes;
  std::vector<const TocEntry*> data;
  uint64_t raw_total = 0;
  for (const TocEntry* ep : plan.entries) {
    const TocEntry& e = *ep;
    if (e.has_data()) {
      data.push_back(&e);
      raw_total += streaming ? e.size_estimate : raw_size[e.dump_id];
    }
  }
  // Largest first, so that the biggest table does not start last; with -L, the list's order,
  // as pg_restore keeps it (its position in plan.entries).
  // A data-only restore loads into tables whose foreign keys exist: referenced tables first.
  restore::DataOrder fk_order;
  if (content.data_only) {
    fk_order = restore::ForeignKeyDataOrder(toc, data);
    if (!fk_order.cycle.empty()) {
      std::string names;
      for (const auto& t : fk_order.cycle) names += (names.empty() ? "" : ", ") + t;
      events.Warning("there are circular foreign-key constraints among these tables: " + names +
                     "; their data may not load without --disable-triggers or dropping the "
                     "constraints for a while");
    }
  }
  if (!content.use_list) {
    std::stable_sort(data.begin(), data.end(), [&](const TocEntry* a, const TocEntry* b) {
      return raw_size[a->dump_id] > raw_size[b->dump_id];
    });
  }
  restore::SortDataEntries(fk_order, &data);
  std::unordered_map<uint32_t, size_t> list_pos;
  if (content.use_list) {
    for (size_t i = 0; i < plan.entries.size(); ++i) list_pos[plan.entries[i]->dump_id] = i;
  }
  events.SetTotals(data.size(), raw_total);

  const int workers = options.jobs;
  conns.push_back(std::move(leader));
  for (int w = 1; w < workers; ++w) {
    ASSIGN_OR_RETURN(auto c, pg::PgConn::Connect(worker_opts, session, target_db));
    group.Add(c.get());
    conns.push_back(std::move(c));
  }
  auto on_stop = [&]() {
    for (auto& c : conns) c->Cancel();
  };

  // The data entries of each table (several for a table ndump split), by the table's dump id.
  std::unordered_map<uint32_t, std::vector<size_t>> data_of_table;
  for (size_t i = 0; i < data.size(); ++i) {
    for (uint32_t d : data[i]->deps) data_of_table[d].push_back(i);
  }

  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> raw{0};
  std::atomic<uint64_t> tables{0};
  std::atomic<uint64_t> padding{0};
  // char(n) values go without their trailing spaces (CharPaddingTrimmer) into a table this
  // restore created from the archive, whose char(n) columns pad them back. Into any other table
  // (one that existed, even if the archive's CREATE TABLE was also run and failed) the data goes
  // as stored, as pg_restore sends it.
  auto trims = [&](const TocEntry& e) {
    // Only COPY's default text format, as ndump writes it: not binary, nor any other options.
    return options.trim_char_padding && !e.char_columns.empty() &&
           e.copy_sql.ends_with(") FROM stdin;") && e.deps.size() == 1 && was_created(e.deps[0]);
  };
  auto load = [&](int w, size_t i) -> Status {
    const TocEntry& e = *data[i];
    pg::PgConn& conn = *conns[static_cast<size_t>(w)];
    events.StartEntry(Describe(e));
    const std::string disable = restore::BeforeCopySql(e, content);
    if (!disable.empty())
      RETURN_IF_ERROR(policy.Handle(conn.Command(disable).WithObject(Describe(e))));
    // COPY FREEZE needs the table created or truncated in the same transaction. Only for a table
    // this restore created (so the TRUNCATE empties nothing) and loaded in one piece (chunks of
    // a split table load in parallel transactions), and not inside -1's own transaction.
    std::string copy_sql = e.copy_sql;
    bool in_transaction = false;
    if (e.kind == "TABLE DATA" && !content.single_transaction &&
        raw_size[e.dump_id] >= kFreezeMinBytes && e.deps.size() == 1 && was_created(e.deps[0]) &&
        data_of_table[e.deps[0]].size() == 1) {
      std::string freeze = FreezeCopySql(e.copy_sql);
      if (!freeze.empty()) {
        Status truncate =
            conn.Command("BEGIN; TRUNCATE ONLY " + pg::QualifiedName(e.schema, e.name) + ";")
                .WithObject(Describe(e));
        if (!truncate.ok()) {
          (void)conn.Command("ROLLBACK");
          return policy.Handle(truncate);
        }
        copy_sql = std::move(freeze);
        in_transaction = true;
      }
    }
    Status begin = conn.BeginCopyIn(copy_sql).WithObject(Describe(e));
    if (!begin.ok()) {
      if (in_transaction) (void)conn.Command("ROLLBACK");
      return policy.Handle(begin);
    }
    std::string block, trimmed;
    std::optional<restore::CharPaddingTrimmer> trimmer;
    if (trims(e)) trimmer.emplace(e.char_columns);
    Status st;
    for (const auto& b : reader->BlocksOf(e.dump_id)) {
      if (cancel && cancel->cancelled()) {
        st = Status::Cancelled("restore cancelled");
        break;
      }
      // Checked against its checksum before a byte of it is sent.
      st = reader->ReadBlock(b, &block);
      if (!st.ok()) break;
      st = PutRows(conn, trimmer ? &*trimmer : nullptr, block, &trimmed, &padding);
      if (!st.ok()) break;
      rows += b.rows;
      raw += block.size();
      events.AddProgress(b.rows, block.size(), b.stored_len, false);
    }
    if (st.ok()) st = PutRest(conn, trimmer ? &*trimmer : nullptr);
    Status end = conn.EndCopy(st.ok() ? "" : "nrestore: " + st.message());
    if (in_transaction) {
      if (st.ok() && end.ok()) {
        end = conn.Command("COMMIT");
      } else {
        (void)conn.Command("ROLLBACK");
      }
    }
    if (!st.ok()) return st.WithObject(Describe(e));
    if (!end.ok()) return policy.Handle(end.WithObject(Describe(e)));
    const std::string enable = restore::AfterCopySql(e, content);
    if (!enable.empty())
      RETURN_IF_ERROR(policy.Handle(conn.Command(enable).WithObject(Describe(e))));
    events.AddProgress(0, 0, 0, true);
    events.Verbose("loaded " + Describe(e));
    ++tables;
    return Status::Ok();
  };

  // Post-data entries and their dependencies among themselves. Phases: 0 for what concerns one
  // table (see TableLocal), 1 for other cross-table entries, 2 for foreign keys, 3 for event
  // triggers (they would fire for the other entries' DDL).
  //
  // With several connections, a primary key or unique constraint that has index_sql is two
  // tasks: its index built as a plain unique index, which takes a SHARE lock and so builds beside
  // the table's other indexes, and then the ALTER TABLE ... USING INDEX that makes it the
  // constraint: that one takes an ACCESS EXCLUSIVE lock, so it waits for every other index build
  // on the table (as a dependency, not on a lock that would hold a connection idle).
  // ADD CONSTRAINT ... PRIMARY KEY would hold that lock for the whole build and keep the table's
  // other index builds waiting. Only where that wait would be long: on a table with another index
  // and at least kSplitKeyMinBytes of data; on a small table the second statement costs more
  // than the builds take.
  std::unordered_map<uint32_t, uint64_t> data_bytes;  // table dump id -> its data, all chunks
  for (const TocEntry* e : data) {
    for (uint32_t d : e->deps) data_bytes[d] += streaming ? e->size_estimate : raw_size[e->dump_id];
  }
  std::unordered_map<uint32_t, int> index_builds;  // table dump id -> its post-data index builds
  for (const TocEntry* ep : plan.entries) {
    if (ep->section != Section::kPostData) continue;
    if (ep->kind != "INDEX" && ep->kind != "CONSTRAINT") continue;
    for (uint32_t d : ep->deps) ++index_builds[d];
  }
  auto split_key = [&](const TocEntry& e) {
    if (workers < 2 || content.single_transaction || !e.has_index_sql()) return false;
    if (e.kind != "CONSTRAINT") return false;
    for (uint32_t d : e.deps) {
      auto bytes = data_bytes.find(d);
      if (bytes != data_bytes.end() && bytes->second >= kSplitKeyMinBytes && index_builds[d] > 1)
        return true;
    }
    return false;
  };
  std::vector<const TocEntry*> post;
  std::unordered_map<uint32_t, size_t> post_index;  // dump id -> the (last) task of the entry
  std::deque<TocEntry> halves;                      // the two halves of each split entry
  std::unordered_map<size_t, size_t> build_of;      // attach task -> its build task
  for (const TocEntry* ep : plan.entries) {
    if (ep->section != Section::kPostData) continue;
    if (split_key(*ep)) {
      TocEntry& build = halves.emplace_back(*ep);
      build.create_sql = ep->index_sql;
      TocEntry& attach = halves.emplace_back(*ep);
      attach.create_sql = ep->attach_sql;
      build_of[post.size() + 1] = post.size();
      post.push_back(&build);
      post.push_back(&attach);
    } else {
      post.push_back(ep);
    }
    post_index[ep->dump_id] = post.size() - 1;
  }
  std::unordered_set<uint32_t> tables_without_data;
  for (const auto& e : toc) {
    if (e.kind == "TABLE" && data_of_table.count(e.dump_id) == 0) {
      tables_without_data.insert(e.dump_id);
    }
  }
  std::vector<sched::Task> post_tasks(post.size());
  for (size_t i = 0; i < post.size(); ++i) {
    const TocEntry& e = *post[i];
    sched::Task& t = post_tasks[i];
    t.phase = TableLocal(e) ? 0 : 1;
    // Foreign keys after every other entry on tables, since the key they reference may be one of
    // the phase 1 entries (the primary key of a partitioned table) and the archive does not
    // always record that dependency.
    if (e.kind == "FK CONSTRAINT") t.phase = 2;
    // Refreshes last, beside event triggers, as pg_restore's last pass runs them: a refresh beside
    // a worker's ALTER TABLE on a table it reads deadlocks (seen: REFRESH holding its view
    // waiting for a base table a foreign key's ALTER TABLE held, which waited for the view).
    if (e.kind == "EVENT TRIGGER" || e.kind == "MATERIALIZED VIEW DATA") t.phase = 3;
    // A domain's NOT VALID check is on no table: it waits for all the data, which it would
    // otherwise check as it is loaded into the columns of that domain.
    if (e.kind == "CHECK CONSTRAINT" && std::none_of(e.deps.begin(), e.deps.end(), [&](uint32_t d) {
          return data_of_table.count(d) != 0 || tables_without_data.count(d) != 0;
        })) {
      t.phase = std::max(t.phase, 1);
    }
    for (uint32_t d : e.deps) {
      auto it = post_index.find(d);
      if (it != post_index.end()) t.deps.push_back(it->second);
      // A table without data of its own (a partitioned table) stands for its partitions: what is
      // created on it may cascade to them (a trigger would fire during their COPY), so it waits
      // for all the data.
      if (tables_without_data.count(d) != 0) t.phase = std::max(t.phase, 1);
    }
  }
  // An attach waits for its build and for every other index build on its table.
  {
    std::unordered_map<uint32_t, std::vector<size_t>> builds_on_table;  // table dump id -> tasks
    std::vector<bool> builds_index(post.size(), false);
    for (size_t i = 0; i < post.size(); ++i) builds_index[i] = post[i]->kind == "INDEX";
    for (const auto& [attach, build] : build_of) builds_index[build] = true;
    for (size_t i = 0; i < post.size(); ++i) {
      if (!builds_index[i]) continue;
      for (uint32_t d : post[i]->deps) builds_on_table[d].push_back(i);
    }
    for (const auto& [attach, build] : build_of) {
      std::vector<size_t>& deps = post_tasks[attach].deps;
      deps.push_back(build);
      for (uint32_t d : post[attach]->deps) {
        auto it = builds_on_table.find(d);
        if (it == builds_on_table.end()) continue;
        for (size_t b : it->second) {
          if (std::find(deps.begin(), deps.end(), b) == deps.end()) deps.push_back(b);
        }
      }
    }
  }
  // Comments and ACLs follow their object's phase through their dependency (dependencies come
  // first in TOC order, so one forward sweep settles chains).
  for (size_t i = 0; i < post.size(); ++i) {
    for (size_t d : post_tasks[i].deps) {
      post_tasks[i].phase = std::max(post_tasks[i].phase, post_tasks[d].phase);
    }
  }
  // Whether a build task's statement succeeded: its attach is skipped otherwise (the failure was
  // reported once, through the error policy). Each slot is written by one task and read by a
  // task that the scheduler starts after it.
  std::vector<char> built(post.size(), 0);
  auto run_post = [&](int w, size_t i) -> Status {
    pg::PgConn& conn = *conns[static_cast<size_t>(w)];
    auto attach = build_of.find(i);
    if (attach != build_of.end() && built[attach->second] == 0) return Status::Ok();
    const bool is_build = i + 1 < post.size() && build_of.count(i + 1) != 0;
    bool ran = false;
    RETURN_IF_ERROR(exec_entry(conn, *post[i], &ran, !is_build));
    built[i] = ran ? 1 : 0;
    return Status::Ok();
  };

  if (streaming) {
    std::vector<pg::PgConn*> worker_conns;
    for (auto& c : conns) worker_conns.push_back(c.get());
    StreamLoader loader(reader.get(), worker_conns, &events, cancel, &plan, &content, trims);
    RETURN_IF_ERROR(loader.Run());
    tables += loader.tables();
    rows += loader.rows();
    raw += loader.raw_bytes();
    padding += loader.padding_bytes();
    RETURN_IF_ERROR(sched::RunTaskGraph(post_tasks, workers, run_post, cancel, on_stop));
  } else {
    // One graph: data tasks first, then post-data tasks; a post-data entry of phase 0 also waits
    // for the data of every table it depends on (all chunks of a split table). Among ready tasks
    // the scheduler takes the lowest index, so the order is by the size of the table concerned,
    // largest first: when a big table's data is in, its index builds go before the data of
    // smaller tables. Phase 1 and 2 tasks come last, so the scheduler's scan of ready tasks
    // meets a runnable one first.
    enum class NodeKind { kPre, kData, kPost };
    struct Node {
      int phase;
      uint64_t weight;
      NodeKind kind;
      size_t index;  // into pre, data or post
    };
    std::vector<Node> nodes;
    nodes.reserve(data.size() + post.size() + (pre_data_first ? 0 : pre.size()));
    // Pre-data entries not yet run go first: they weigh the most, and a stable sort keeps their
    // order.
    if (!pre_data_first) {
      for (size_t i = 0; i < pre.size(); ++i) {
        nodes.push_back({0, UINT64_MAX, NodeKind::kPre, i});
      }
    }
    for (size_t i = 0; i < data.size(); ++i) {
      nodes.push_back({0, raw_size[data[i]->dump_id], NodeKind::kData, i});
    }
    // A post-data entry weighs as much as the largest table whose data it waits for, directly or
    // through another post-data entry (a comment on an index).
    std::vector<uint64_t> post_weight(post.size(), 0);
    for (size_t i = 0; i < post.size(); ++i) {
      for (uint32_t d : post[i]->deps) {
        auto it = data_bytes.find(d);
        if (it != data_bytes.end()) post_weight[i] = std::max(post_weight[i], it->second);
      }
      for (size_t d : post_tasks[i].deps) post_weight[i] = std::max(post_weight[i], post_weight[d]);
      nodes.push_back({post_tasks[i].phase, post_weight[i], NodeKind::kPost, i});
    }
    if (content.use_list) {
      // -L: the list's order among the tasks of a phase (dependencies still come first).
      auto pos = [&](const Node& n) {
        const TocEntry* e = n.kind == NodeKind::kPre    ? pre[n.index]
                            : n.kind == NodeKind::kData ? data[n.index]
                                                        : post[n.index];
        return list_pos[e->dump_id];
      };
      std::stable_sort(nodes.begin(), nodes.end(), [&](const Node& a, const Node& b) {
        if (a.phase != b.phase) return a.phase < b.phase;
        return pos(a) < pos(b);
      });
    } else {
      std::stable_sort(nodes.begin(), nodes.end(), [](const Node& a, const Node& b) {
        if (a.phase != b.phase) return a.phase < b.phase;
        return a.weight > b.weight;
      });
    }
    std::vector<size_t> pre_pos(pre.size());
    std::vector<size_t> data_pos(data.size());
    std::vector<size_t> post_pos(post.size());
    for (size_t k = 0; k < nodes.size(); ++k) {
      const Node& n = nodes[k];
      (n.kind == NodeKind::kPre    ? pre_pos
       : n.kind == NodeKind::kData ? data_pos
                                   : post_pos)[n.index] = k;
    }
    std::vector<sched::Task> tasks(nodes.size());
    if (!pre_data_first && !pre.empty()) {
      // The pre-data runs as a chain, in its order. A table's data waits for the last pre-data
      // entry that is the table or depends on it (its comments, ACLs, column defaults, owned
      // sequences, views on it, its inheritance children), so nothing of the pre-data touches the
      // table once its COPY starts; data of a table outside the pre-data waits for all of it, and
      // so does every post-data entry.
      for (size_t i = 1; i < pre.size(); ++i) tasks[pre_pos[i]].deps.push_back(pre_pos[i - 1]);
      std::unordered_map<uint32_t, size_t> last_pre;  // table dump id -> index into pre
      for (size_t i = 0; i < pre.size(); ++i) {
        if (data_of_table.count(pre[i]->dump_id) != 0) last_pre[pre[i]->dump_id] = i;
        for (uint32_t d : pre[i]->deps) {
          if (data_of_table.count(d) != 0) last_pre[d] = i;
        }
      }
      for (size_t i = 0; i < data.size(); ++i) {
        size_t wait = pre.size() - 1;
        if (data[i]->deps.size() == 1) {
          auto it = last_pre.find(data[i]->deps[0]);
          if (it != last_pre.end()) wait = it->second;
        }
        tasks[data_pos[i]].deps.push_back(pre_pos[wait]);
      }
      for (size_t i = 0; i < post.size(); ++i) {
        tasks[post_pos[i]].deps.push_back(pre_pos[pre.size() - 1]);
      }
    }
    // The chunks of a split table form a group: while other work is ready, one worker loads
    // them and the others take that work (small tables, whose loads and index builds wait on
    // file syncs more than they use the CPU), rather than two streams contending for one
    // table's pages.
    for (size_t i = 0; i < data.size(); ++i) {
      if (data[i]->deps.size() == 1 && data_of_table[data[i]->deps[0]].size() > 1) {
        tasks[data_pos[i]].group = data[i]->deps[0];
      }
    }
    // Data-only: a table's data after that of the tables its foreign keys reference.
    if (!fk_order.after.empty()) {
      std::unordered_map<uint32_t, size_t> data_index;  // dump id -> index into data
      for (size_t i = 0; i < data.size(); ++i) data_index[data[i]->dump_id] = i;
      for (size_t i = 0; i < data.size(); ++i) {
        auto it = fk_order.after.find(data[i]->dump_id);
        if (it == fk_order.after.end()) continue;
        for (uint32_t first : it->second) {
          auto at = data_index.find(first);
          if (at != data_index.end()) tasks[data_pos[i]].deps.push_back(data_pos[at->second]);
        }
      }
    }
    for (size_t i = 0; i < post.size(); ++i) {
      sched::Task& t = tasks[post_pos[i]];
      t.phase = post_tasks[i].phase;
      for (size_t d : post_tasks[i].deps) t.deps.push_back(post_pos[d]);
      for (uint32_t d : post[i]->deps) {
        auto it = data_of_table.find(d);
        if (it == data_of_table.end()) continue;
        for (size_t di : it->second) t.deps.push_back(data_pos[di]);
      }
    }
    auto run = [&](int w, size_t k) -> Status {
      const Node& n = nodes[k];
      if (n.kind == NodeKind::kPre) {
        if (cancel && cancel->cancelled()) return Status::Cancelled("restore cancelled");
        return run_pre(*conns[static_cast<size_t>(w)], *pre[n.index]);
      }
      return n.kind == NodeKind::kData ? load(w, n.index) : run_post(w, n.index);
    };
    RETURN_IF_ERROR(sched::RunTaskGraph(tasks, workers, run, cancel, on_stop));
  }
  summary.entries += data.size() + post.size() - build_of.size();

  // Pass 4: sequence values and any other data-section entry without COPY data.
  for (const TocEntry* ep : plan.entries) {
    const TocEntry& e = *ep;
    if (e.section != Section::kData || e.has_data() || restore::RunsBeforeData(e)) continue;
    if (cancel && cancel->cancelled()) return Status::Cancelled("restore cancelled");
    RETURN_IF_ERROR(exec_entry(*conns[0], e));
    ++summary.entries;
  }

  if (content.single_transaction) RETURN_IF_ERROR(conns[0]->Command("COMMIT"));
  RETURN_IF_ERROR(conns[0]->Command(kDurableSql));
  summary.errors = policy.errors();
  summary.tables = tables.load();
  summary.rows = rows.load();
  summary.raw_bytes = raw.load();
  summary.char_padding_bytes = padding.load();
  summary.stored_bytes = events.progress().stored_bytes_done;
  summary.seconds = SecondsSince(t0);
  if (options.catalog_out != nullptr) {
    options.catalog_out->header = reader->header();
    options.catalog_out->toc = reader->toc();
    options.catalog_out->stats = reader->stats();
  }
  return summary;
}

}  // namespace libdump
