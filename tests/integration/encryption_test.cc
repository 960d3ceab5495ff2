// Encrypted archives through the tools (docs/manual.md, "Encrypted archives"; archive_format.md
// §15): ndump --keygen, --encrypt-to and --encrypt-passphrase-file; nrestore --decrypt-key and
// --decrypt-passphrase-file on a file and a pipe with -j 2; --verify and --list with and without
// the key; and every failure: wrong key, wrong passphrase, no key, a changed byte in each region
// (with its checksums made good again, so that only authentication can catch it), a block from
// another archive, truncation. Each failure is exit 4 (2 for a missing key) with nothing restored.
#include <sys/stat.h>
#include <xxhash.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ndump_test/process.h"
#include "tools.h"

namespace ndump_test {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& bytes, mode_t mode = 0600) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  ::chmod(path.c_str(), mode);
}

uint32_t U32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}

void PutU64(std::string* b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) (*b)[at + i] = static_cast<char>(v >> (8 * i));
}

// Where the blocks are (archive_format.md §3, §4.1, §5.1): offsets of the TOC block, the data
// blocks and the index block, found by walking the block headers.
struct Layout {
  size_t header_end = 0;
  std::vector<size_t> data;
  size_t index = 0;
  size_t footer = 0;
};

Layout Walk(const std::string& b) {
  Layout l;
  l.header_end = 20 + U32(b, 16) + 8;
  size_t at = l.header_end + 40 + U32(b, l.header_end + 16);  // past the TOC block
  while (at + 40 <= b.size() && b[at] == 'D') {
    l.data.push_back(at);
    at += 40 + U32(b, at + 16);
  }
  l.index = at;
  l.footer = b.size() - 48;
  return l;
}

// Changes a payload byte of the block at `at`, as damage would.
std::string Flip(std::string b, size_t at) {
  b[at + 40 + 5] = static_cast<char>(b[at + 40 + 5] ^ 0x20);
  return b;
}

// Changes a payload byte of the block at `at` and makes both its checksums good again, as an
// attacker would: only authentication can tell.
std::string Tamper(std::string b, size_t at) {
  b = Flip(std::move(b), at);
  PutU64(&b, at + 24, XXH3_64bits(b.data() + at + 40, U32(b, at + 16)));
  PutU64(&b, at + 32, XXH3_64bits(b.data() + at, 32));
  return b;
}

class EncryptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    src_ = NewLoadedDatabase("foundation.sql", "encsrc");
    key_ = dir_.File("key");
    const CommandResult kg = Ndump({"--keygen", key_});
    ASSERT_EQ(kg.exit_code, 0) << kg.Describe();
    EXPECT_NE(kg.out.find("key id: "), std::string::npos) << kg.out;
    struct stat st;
    ASSERT_EQ(::stat(key_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    pass_ = dir_.File("pass");
    WriteFile(pass_, "a long passphrase for tests\n");
    archive_ = dir_.File("a.ndump");
    ASSERT_TRUE(DumpTo(src_, archive_, {"-j", "2", "--encrypt-to", key_ + ".pub"}));
  }

  // nrestore into a new database, from the archive's file or (pipe) its bytes on stdin.
  CommandResult RestoreInto(std::string* db, const std::string& bytes, bool pipe,
                            const std::vector<std::string>& keys) {
    *db = Cluster().CreateDatabase("enccopy");
    std::vector<std::string> args = {"-j", "2", "-d", Cluster().ConnInfo(*db)};
    args.insert(args.end(), keys.begin(), keys.end());
    RunOptions run;
    if (pipe) {
      args.push_back("-");
      run.stdin_data = bytes;
    } else {
      const std::string f = dir_.File("in-" + std::to_string(++files_) + ".ndump");
      WriteFile(f, bytes, 0644);
      args.push_back(f);
    }
    return Nrestore(args, run);
  }

  // A restore of `bytes` fails with exit `code` naming `what`, and (from a file) leaves the
  // target empty.
  void ExpectRefused(const std::string& bytes, bool pipe, const std::vector<std::string>& keys,
                     int code, const std::string& what) {
    std::string db;
    const CommandResult r = RestoreInto(&db, bytes, pipe, keys);
    EXPECT_EQ(r.exit_code, code) << r.Describe();
    EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
    if (!pipe) {
      EXPECT_EQ(UserObjectCount(db), 0);
    }
  }

  std::vector<std::string> Key() const { return {"--decrypt-key", key_}; }

  ScopedTempDir dir_;
  std::string src_, key_, pass_, archive_;
  int files_ = 0;
};

TEST_F(EncryptionTest, RoundTripWithAKeyFromAFileAndAPipe) {
  const std::string bytes = ReadFile(archive_);
  // The fixture's object names are in clear in a plain archive's TOC; not here.
  EXPECT_EQ(bytes.find("CREATE TABLE"), std::string::npos);
  for (const bool pipe : {false, true}) {
    std::string copy;
    const CommandResult r = RestoreInto(&copy, bytes, pipe, Key());
    ASSERT_EQ(r.exit_code, 0) << (pipe ? "pipe: " : "file: ") << r.Describe();
    ExpectSameDatabase(src_, copy);
    if (!pipe) {  // the row fingerprints, read from the sealed index
      const CommandResult c =
          Nrestore({"--check", "-d", Cluster().ConnInfo(copy), "--decrypt-key", key_, archive_});
      EXPECT_EQ(c.exit_code, 0) << c.Describe() << c.out;
    }
  }
}

TEST_F(EncryptionTest, RoundTripWithAPassphraseThroughPipes) {
  // ndump to stdout, nrestore from stdin.
  const CommandResult d =
      Ndump({"-d", Cluster().ConnInfo(src_), "-f", "-", "--encrypt-passphrase-file", pass_});
  ASSERT_EQ(d.exit_code, 0) << d.Describe();
  std::string copy;
  const CommandResult r = RestoreInto(&copy, d.out, true, {"--decrypt-passphrase-file", pass_});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectSameDatabase(src_, copy);
  const std::string wrong = dir_.File("wrong");
  WriteFile(wrong, "not the passphrase\n");
  ExpectRefused(d.out, false, {"--decrypt-passphrase-file", wrong}, kExitBadArchive,
                "wrong passphrase");
  ExpectRefused(d.out, true, {"--decrypt-passphrase-file", wrong}, kExitBadArchive,
                "wrong passphrase");
  ExpectRefused(d.out, false, Key(), kExitUsage, "--decrypt-passphrase-file");
}

TEST_F(EncryptionTest, VerifyAndListWithAndWithoutTheKey) {
  CommandResult r = Nrestore({"--verify", archive_});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("encryption: not authenticated"), std::string::npos) << r.out;
  r = Nrestore({"--verify", "--decrypt-key", key_, archive_});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("encryption: every block authenticated"), std::string::npos) << r.out;
  RunOptions pipe;
  pipe.stdin_data = ReadFile(archive_);
  r = Nrestore({"--verify", "--decrypt-key", key_, "-"}, pipe);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();

  r = Nrestore({"-l", archive_});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitUsage, {"--decrypt-key"}));
  // A script: with the key, the archive's SQL; without, the same usage error.
  r = Nrestore({"-f", "-", "--decrypt-key", key_, archive_});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("CREATE TABLE"), std::string::npos);
  EXPECT_TRUE(
      IsToolError(Nrestore({"-f", "-", archive_}), "nrestore", kExitUsage, {"--decrypt-key"}));
  // A plain script is never encrypted: refused before connecting.
  EXPECT_TRUE(IsToolError(Ndump({"-F", "p", "--encrypt-to", key_ + ".pub", "-d", "nodb"}), "ndump",
                          kExitUsage, {"plain script"}));
  r = Nrestore({"-l", "--decrypt-key", key_, archive_});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find(";     Encryption: X25519 public key "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TABLE DATA"), std::string::npos) << r.out;
}

TEST_F(EncryptionTest, WrongOrMissingKeyRestoresNothing) {
  const std::string other = dir_.File("other");
  ASSERT_EQ(Ndump({"--keygen", other}).exit_code, 0);
  const std::string bytes = ReadFile(archive_);
  for (const bool pipe : {false, true}) {
    ExpectRefused(bytes, pipe, {"--decrypt-key", other}, kExitBadArchive, "wrong key");
    ExpectRefused(bytes, pipe, {}, kExitUsage, "--decrypt-key");
  }
  // A public key where the secret key belongs, and a secret key others may read.
  ExpectRefused(bytes, false, {"--decrypt-key", key_ + ".pub"}, kExitUsage, "is a public key");
  ::chmod(key_.c_str(), 0644);
  ExpectRefused(bytes, false, Key(), kExitUsage, "chmod 600");
}

TEST_F(EncryptionTest, EveryRegionChangedIsRefused) {
  const std::string bytes = ReadFile(archive_);
  const Layout l = Walk(bytes);
  ASSERT_GE(l.data.size(), 2u);
  ASSERT_EQ(bytes[l.index], 'I');
  // A flipped byte in each region, checksums left as they were (accidental damage): also what
  // --verify without the key catches.
  std::string header = bytes;
  header[22] = static_cast<char>(header[22] ^ 0x01);  // a header field byte
  for (const auto& [name, damaged] :
       {std::pair{"header", header}, std::pair{"TOC", Flip(bytes, l.header_end)},
        std::pair{"data", Flip(bytes, l.data[1])}, std::pair{"index", Flip(bytes, l.index)}}) {
    SCOPED_TRACE(name);
    ExpectRefused(damaged, false, Key(), kExitBadArchive, "checksum mismatch");
    ExpectRefused(damaged, true, Key(), kExitBadArchive, "checksum mismatch");
    const std::string f = dir_.File(std::string("damaged-") + name);
    WriteFile(f, damaged, 0644);
    EXPECT_EQ(Nrestore({"--verify", f}).exit_code, kExitBadArchive);
  }
  std::string footer = bytes;
  footer[l.footer + 10] = static_cast<char>(footer[l.footer + 10] ^ 0x01);
  ExpectRefused(footer, false, Key(), kExitBadArchive, "footer");
  // Tampered with checksums made good: authentication names the block.
  ExpectRefused(Tamper(bytes, l.data[1]), false, Key(), kExitBadArchive, "authentication failed");
  ExpectRefused(Tamper(bytes, l.index), false, Key(), kExitBadArchive, "authentication failed");
  ExpectRefused(Tamper(bytes, l.header_end), false, Key(), kExitBadArchive,
                "authentication failed");
}

TEST_F(EncryptionTest, APipeNeverLoadsAnUnauthenticatedBlock) {
  // The last data block tampered with: from a pipe the tables whose data ended before it may be
  // loaded (archive_format.md §7.4), but not one row of the tampered block's table.
  const std::string bytes = ReadFile(archive_);
  const Layout l = Walk(bytes);
  const size_t last = l.data.back();
  std::string db;
  const CommandResult r = RestoreInto(&db, Tamper(bytes, last), true, Key());
  EXPECT_EQ(r.exit_code, kExitBadArchive) << r.Describe();
  EXPECT_NE(r.err.find("authentication failed"), std::string::npos) << r.err;
  // The tampered entry is named in the error; its table must be empty or absent.
  const std::string list = Nrestore({"-l", "--decrypt-key", key_, archive_}).out;
  const uint32_t dump_id = U32(bytes, last + 4);
  for (const std::string& line : Lines(list)) {
    if (line.rfind(std::to_string(dump_id) + "; TABLE DATA ", 0) != 0) continue;
    std::istringstream in(line);
    std::string id, kind1, kind2, schema, name;
    in >> id >> kind1 >> kind2 >> schema >> name;
    const std::string exists = Cluster().Query(
        db,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = '" +
            schema + "' AND c.relname = '" + name + "'");
    if (exists == "1") {
      EXPECT_EQ(Cluster().Query(db, "SELECT count(*) FROM \"" + schema + "\".\"" + name + "\""),
                "0");
    }
  }
}

TEST_F(EncryptionTest, BlocksFromAnotherArchiveAndTruncationAreRefused) {
  const std::string second = dir_.File("b.ndump");
  ASSERT_TRUE(DumpTo(src_, second, {"--encrypt-to", key_ + ".pub"}));
  const std::string a = ReadFile(archive_);
  const std::string b = ReadFile(second);
  const Layout la = Walk(a);
  const Layout lb = Walk(b);
  // The same database dumped twice: find a data block of the same size and entry in both.
  bool swapped = false;
  for (size_t i = 0; i < la.data.size() && !swapped; ++i) {
    for (size_t j = 0; j < lb.data.size() && !swapped; ++j) {
      if (a.compare(la.data[i], 24, b, lb.data[j], 24) != 0) continue;
      std::string mixed = a;
      const size_t len = 40 + U32(a, la.data[i] + 16);
      mixed.replace(la.data[i], len, b.substr(lb.data[j], len));
      ExpectRefused(mixed, false, Key(), kExitBadArchive, "authentication failed");
      // Without the key the checksums all pass: only authentication can tell.
      const std::string f = dir_.File("mixed.ndump");
      WriteFile(f, mixed, 0644);
      EXPECT_EQ(Nrestore({"--verify", f}).exit_code, 0);
      swapped = true;
    }
  }
  EXPECT_TRUE(swapped) << "no block of the same header in both archives";
  ExpectRefused(a.substr(0, la.data[1] + 100), false, Key(), kExitBadArchive, "incomplete");
  ExpectRefused(a.substr(0, la.index), true, Key(), kExitBadArchive, "");
}

}  // namespace
}  // namespace ndump_test
