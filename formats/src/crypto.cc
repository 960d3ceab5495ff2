// Keys, key files and the block cipher of encrypted archives (archive_format.md §15), on
// libsodium: X25519 sealed boxes and Argon2id wrap the file key, XChaCha20-Poly1305 (IETF)
// seals every block, BLAKE2b hashes the header.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cipher.h"
#include "codec.h"
#include "layout.h"
#include "libdump/format/crypto.h"

namespace libdump::format {

namespace {

constexpr std::string_view kPublicPrefix = "ndump-public-key-v1 ";
constexpr std::string_view kSecretPrefix = "ndump-secret-key-v1 ";

// libsodium must be initialised once before use; sodium_init is safe to call again and from
// several threads (it returns 1 when already done).
Status InitSodium() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  return Status::Ok();
}

std::string ErrnoText(int e) { return std::strerror(e); }

std::string Base64(const uint8_t* bytes, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// The key of a `<prefix><base64>` line; false when the text is not exactly that.
bool ParseKeyLine(std::string_view text, std::string_view prefix,
                  std::array<uint8_t, kKeyBytes>* key) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.substr(0, prefix.size()) != prefix) return false;
  const std::string b64(text.substr(prefix.size()));
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(key->data(), key->size(), b64.data(), b64.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  return len == kKeyBytes && end == b64.data() + b64.size();
}

// Reads a whole small file; with `secret`, refuses one its group or others may read.
Result<std::string> ReadSmallFile(const std::string& path, const char* what, bool secret) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return Status::NotFound(std::string(what) + " " + path + " does not exist");
    return Status::IoError("cannot open " + std::string(what) + " " + path + ": " + ErrnoText(e));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return Status::IoError("cannot stat " + path + ": " + ErrnoText(e));
  }
  if (secret && (st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::InvalidArgument(std::string(what) + " " + path +
                                   " is accessible by others (mode " + mode +
                                   "); it must be private: chmod 600 " + path);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      return Status::IoError("reading " + path + ": " + ErrnoText(e));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > 65536) {
      ::close(fd);
      sodium_memzero(out.data(), out.size());
      return Status::InvalidArgument(std::string(what) + " " + path + " is too long");
    }
  }
  sodium_memzero(buf, sizeof buf);
  ::close(fd);
  return out;
}

Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode,
                    const char* what) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    const int e = errno;
    if (e == EEXIST) {
      return Status::InvalidArgument(std::string(what) + " " + path +
                                     " already exists; not overwriting it");
    }
    return Status::IoError("cannot create " + std::string(what) + " " + path + ": " + ErrnoText(e));
  }
  // The mode given to open is narrowed by the umask; a secret key must be 0600 whatever it is.
  Status st;
  if (::fchmod(fd, mode) != 0) st = Status::IoError("chmod " + path + ": " + ErrnoText(errno));
  size_t done = 0;
  while (st.ok() && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = Status::IoError("writing " + path + ": " + ErrnoText(errno));
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (st.ok() && ::fsync(fd) != 0) st = Status::IoError("fsync " + path + ": " + ErrnoText(errno));
  if (::close(fd) != 0 && st.ok())
    st = Status::IoError("closing " + path + ": " + ErrnoText(errno));
  if (!st.ok()) ::unlink(path.c_str());
  return st;
}

}  // namespace

SecretKey& SecretKey::operator=(const SecretKey& other) {
  bytes_ = other.bytes_;
  return *this;
}

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

PublicKey SecretKey::Public() const {
  PublicKey p;
  crypto_scalarmult_base(p.bytes.data(), bytes_.data());
  return p;
}

Encryption::~Encryption() { sodium_memzero(passphrase.data(), passphrase.size()); }

Keyring::~Keyring() {
  if (passphrase) sodium_memzero(passphrase->data(), passphrase->size());
}

Result<KeyPair> GenerateKeyPair() {
  RETURN_IF_ERROR(InitSodium());
  std::array<uint8_t, kKeyBytes> pk{};
  std::array<uint8_t, kKeyBytes> sk{};
  crypto_box_keypair(pk.data(), sk.data());
  KeyPair pair;
  pair.public_key.bytes = pk;
  pair.secret_key = SecretKey(sk);
  sodium_memzero(sk.data(), sk.size());
  return pair;
}

std::string KeyId(const PublicKey& key) {
  uint8_t digest[32];
  crypto_generichash(digest, sizeof digest, key.bytes.data(), key.bytes.size(), nullptr, 0);
  char hex[2 * 8 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, 8);
  return hex;
}

std::string FormatPublicKey(const PublicKey& key) {
  return std::string(kPublicPrefix) + Base64(key.bytes.data(), key.bytes.size()) + "\n";
}

std::string FormatSecretKey(const SecretKey& key) {
  return std::string(kSecretPrefix) + Base64(key.bytes().data(), key.bytes().size()) + "\n";
}

Result<PublicKey> ParsePublicKey(std::string_view text, std::string_view what) {
  RETURN_IF_ERROR(InitSodium());
  PublicKey k;
  if (!ParseKeyLine(text, kPublicPrefix, &k.bytes)) {
    const bool secret = text.substr(0, kSecretPrefix.size()) == kSecretPrefix;
    return Status::InvalidArgument(
        std::string(what) +
        (secret ? " is a secret key; encrypting needs the public key (the .pub file)"
                : " is not an ndump public key (a line `ndump-public-key-v1 <base64>`)"));
  }
  return k;
}

Result<SecretKey> ParseSecretKey(std::string_view text, std::string_view what) {
  RETURN_IF_ERROR(InitSodium());
  std::array<uint8_t, kKeyBytes> bytes{};
  if (!ParseKeyLine(text, kSecretPrefix, &bytes)) {
    const bool pub = text.substr(0, kPublicPrefix.size()) == kPublicPrefix;
    return Status::InvalidArgument(
        std::string(what) +
        (pub ? " is a public key; decrypting needs the secret key"
             : " is not an ndump secret key (a line `ndump-secret-key-v1 <base64>`)"));
  }
  SecretKey k(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return k;
}

Result<PublicKey> ReadPublicKeyFile(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadSmallFile(path, "public key file", false));
  return ParsePublicKey(text, path);
}

Result<SecretKey> ReadSecretKeyFile(const std::string& path) {
  // A public key given by mistake is said to be one, whatever its mode (0644 is right for it).
  Result<std::string> as_public = ReadSmallFile(path, "key file", false);
  if (as_public.ok() && as_public->substr(0, kPublicPrefix.size()) == kPublicPrefix) {
    return Status::InvalidArgument(path + " is a public key; decrypting needs the secret key");
  }
  if (as_public.ok()) sodium_memzero(as_public->data(), as_public->size());
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, "secret key file", true));
  Result<SecretKey> k = ParseSecretKey(text, path);
  sodium_memzero(text.data(), text.size());
  return k;
}

Result<std::string> ReadPassphraseFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, "passphrase file", true));
  const size_t nl = text.find('\n');
  std::string line = text.substr(0, nl);
  sodium_memzero(text.data(), text.size());
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return Status::InvalidArgument("passphrase file " + path + " is empty");
  return line;
}

Status WriteKeyPairFiles(const KeyPair& pair, const std::string& secret_path,
                         const std::string& public_path) {
  struct stat st;
  if (::stat(public_path.c_str(), &st) == 0) {
    return Status::InvalidArgument("public key file " + public_path +
                                   " already exists; not overwriting it");
  }
  std::string secret = FormatSecretKey(pair.secret_key);
  Status s = WriteNewFile(secret_path, secret, 0600, "secret key file");
  sodium_memzero(secret.data(), secret.size());
  RETURN_IF_ERROR(s);
  s = WriteNewFile(public_path, FormatPublicKey(pair.public_key), 0644, "public key file");
  if (!s.ok()) ::unlink(secret_path.c_str());
  return s;
}

namespace internal {

namespace {

// §15.3 the encryption field.
constexpr uint8_t kSuiteXChaCha = 1;
constexpr uint8_t kWrapRecipient = 1;
constexpr uint8_t kWrapPassphrase = 2;
constexpr size_t kFieldCommon = 18;  // suite, wrap, archive_id
constexpr size_t kRecipientFieldSize = kFieldCommon + 8 + 32 + crypto_box_SEALBYTES;
constexpr size_t kPassphraseWrapAt = kFieldCommon + 16 + 8 + 8 + 24;  // salt, ops, memory, nonce
constexpr size_t kPassphraseFieldSize = kPassphraseWrapAt + 32 + 16;
// What a reader accepts of a passphrase archive's Argon2id limits, so that a crafted header
// cannot make it spend an unbounded time or memory: libsodium's "sensitive" limits, and 4 times
// as many passes.
constexpr uint64_t kMaxOps = 16;
constexpr uint64_t kMaxMemory = 1ull << 30;

std::string Hex(const uint8_t* bytes, size_t n) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

std::array<uint8_t, 8> KeyIdBytes(const uint8_t* public_key) {
  uint8_t digest[32];
  crypto_generichash(digest, sizeof digest, public_key, kKeyBytes, nullptr, 0);
  std::array<uint8_t, 8> id{};
  std::memcpy(id.data(), digest, id.size());
  return id;
}

Status CheckLimits(uint64_t ops, uint64_t memory, bool reading) {
  if (ops < crypto_pwhash_OPSLIMIT_MIN || memory < crypto_pwhash_MEMLIMIT_MIN) {
    return reading ? Status::Corruption("encryption: Argon2id limits below the minimum")
                   : Status::InvalidArgument("Argon2id limits below libsodium's minimum");
  }
  if (ops > kMaxOps || memory > kMaxMemory) {
    const std::string what = "Argon2id limits of " + std::to_string(ops) + " passes over " +
                             std::to_string(memory >> 20) + " MiB exceed what a reader accepts (" +
                             std::to_string(kMaxOps) + " passes, " +
                             std::to_string(kMaxMemory >> 20) + " MiB)";
    return reading ? Status::Unsupported("encryption: " + what) : Status::InvalidArgument(what);
  }
  return Status::Ok();
}

// The key-encryption key of a passphrase archive: Argon2id(passphrase, salt, ops, memory).
Status DeriveKek(const std::string& passphrase, const uint8_t* salt, uint64_t ops, uint64_t memory,
                 uint8_t* kek) {
  if (crypto_pwhash(kek, 32, passphrase.data(), passphrase.size(), salt, ops,
                    static_cast<size_t>(memory), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("Argon2id failed (out of memory for " + std::to_string(memory >> 20) +
                            " MiB?)");
  }
  return Status::Ok();
}

}  // namespace

Status ParseEncryptionField(std::string_view field, EncryptionField* out) {
  if (field.size() < kFieldCommon) {
    return Status::Corruption("header: encryption field of " + std::to_string(field.size()) +
                              " bytes is too short");
  }
  const uint8_t* p = Bytes(field);
  out->suite = p[0];
  out->wrap = p[1];
  std::memcpy(out->archive_id.data(), p + 2, out->archive_id.size());
  if (out->suite != kSuiteXChaCha) {
    return Status::Unsupported("unsupported encryption suite " + std::to_string(out->suite));
  }
  if (out->wrap == kWrapRecipient) {
    if (field.size() != kRecipientFieldSize) {
      return Status::Corruption("header: encryption field has the wrong length");
    }
    std::memcpy(out->key_id.data(), p + kFieldCommon, out->key_id.size());
    return Status::Ok();
  }
  if (out->wrap == kWrapPassphrase) {
    if (field.size() != kPassphraseFieldSize) {
      return Status::Corruption("header: encryption field has the wrong length");
    }
    out->ops = LoadU64(p + kFieldCommon + 16);
    out->memory = LoadU64(p + kFieldCommon + 24);
    return CheckLimits(out->ops, out->memory, true);
  }
  return Status::Unsupported("unsupported encryption key wrap " + std::to_string(out->wrap));
}

std::string DescribeEncryption(const EncryptionField& f) {
  if (f.wrap == kWrapRecipient) {
    return "X25519 public key " + Hex(f.key_id.data(), f.key_id.size());
  }
  return "passphrase (Argon2id, " + std::to_string(f.ops) + " passes over " +
         std::to_string(f.memory >> 20) + " MiB)";
}

BlockCipher::~BlockCipher() { sodium_memzero(key_.data(), key_.size()); }

Result<std::unique_ptr<BlockCipher>> BlockCipher::ForWriting(const Encryption& e,
                                                             std::string* field) {
  RETURN_IF_ERROR(InitSodium());
  std::unique_ptr<BlockCipher> c(new BlockCipher());
  crypto_aead_xchacha20poly1305_ietf_keygen(c->key_.data());
  randombytes_buf(c->archive_id_.data(), c->archive_id_.size());
  field->clear();
  AppendU8(field, kSuiteXChaCha);
  switch (e.mode) {
    case Encryption::Mode::kRecipient: {
      AppendU8(field, kWrapRecipient);
      field->append(reinterpret_cast<const char*>(c->archive_id_.data()), c->archive_id_.size());
      const std::array<uint8_t, 8> id = KeyIdBytes(e.recipient.bytes.data());
      field->append(reinterpret_cast<const char*>(id.data()), id.size());
      uint8_t sealed[32 + crypto_box_SEALBYTES];
      if (crypto_box_seal(sealed, c->key_.data(), c->key_.size(), e.recipient.bytes.data()) != 0) {
        return Status::InvalidArgument("cannot encrypt to this public key");
      }
      field->append(reinterpret_cast<const char*>(sealed), sizeof sealed);
      return c;
    }
    case Encryption::Mode::kPassphrase: {
      if (e.passphrase.empty()) return Status::InvalidArgument("empty passphrase");
      RETURN_IF_ERROR(CheckLimits(e.passphrase_ops, e.passphrase_memory, false));
      AppendU8(field, kWrapPassphrase);
      field->append(reinterpret_cast<const char*>(c->archive_id_.data()), c->archive_id_.size());
      uint8_t salt[crypto_pwhash_SALTBYTES];
      randombytes_buf(salt, sizeof salt);
      field->append(reinterpret_cast<const char*>(salt), sizeof salt);
      AppendU64(field, e.passphrase_ops);
      AppendU64(field, e.passphrase_memory);
      uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
      randombytes_buf(nonce, sizeof nonce);
      field->append(reinterpret_cast<const char*>(nonce), sizeof nonce);
      uint8_t kek[32];
      RETURN_IF_ERROR(DeriveKek(e.passphrase, salt, e.passphrase_ops, e.passphrase_memory, kek));
      // The wrap's associated data is the field so far: suite, archive id and Argon2id inputs.
      uint8_t wrapped[32 + crypto_aead_xchacha20poly1305_ietf_ABYTES];
      crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped, nullptr, c->key_.data(), c->key_.size(),
                                                 Bytes(*field), field->size(), nullptr, nonce, kek);
      sodium_memzero(kek, sizeof kek);
      field->append(reinterpret_cast<const char*>(wrapped), sizeof wrapped);
      return c;
    }
    case Encryption::Mode::kNone:
      break;
  }
  return Status::InvalidArgument("no encryption requested");
}

Result<std::unique_ptr<BlockCipher>> BlockCipher::ForReading(std::string_view field,
                                                             const Keyring& keys) {
  RETURN_IF_ERROR(InitSodium());
  EncryptionField f;
  RETURN_IF_ERROR(ParseEncryptionField(field, &f));
  std::unique_ptr<BlockCipher> c(new BlockCipher());
  c->archive_id_ = f.archive_id;
  const uint8_t* p = Bytes(field);
  if (f.wrap == kWrapRecipient) {
    if (!keys.secret_key) {
      return Status::InvalidArgument("the archive is encrypted to an X25519 public key (key id " +
                                     Hex(f.key_id.data(), f.key_id.size()) +
                                     "): give its secret key (nrestore --decrypt-key FILE)");
    }
    const PublicKey mine = keys.secret_key->Public();
    if (KeyIdBytes(mine.bytes.data()) != f.key_id) {
      return Status::Corruption("wrong key: the archive is encrypted to key " +
                                Hex(f.key_id.data(), f.key_id.size()) + ", the key given is " +
                                KeyId(mine));
    }
    if (crypto_box_seal_open(c->key_.data(), p + kFieldCommon + 8, 32 + crypto_box_SEALBYTES,
                             mine.bytes.data(), keys.secret_key->bytes().data()) != 0) {
      return Status::Corruption(
          "cannot decrypt the archive's key with key " + KeyId(mine) +
          " (the header's wrapped key was altered, or the key file is not that key's)");
    }
    return c;
  }
  if (!keys.passphrase) {
    return Status::InvalidArgument(
        "the archive is encrypted with a passphrase: give it (nrestore --decrypt-passphrase-file "
        "FILE)");
  }
  uint8_t kek[32];
  RETURN_IF_ERROR(DeriveKek(*keys.passphrase, p + kFieldCommon, f.ops, f.memory, kek));
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      c->key_.data(), nullptr, nullptr, p + kPassphraseWrapAt, 32 + 16, p, kPassphraseWrapAt,
      p + kFieldCommon + 32, kek);
  sodium_memzero(kek, sizeof kek);
  if (rc != 0) {
    return Status::Corruption(
        "wrong passphrase: it does not decrypt the archive's key (or the header was altered)");
  }
  return c;
}

void BlockCipher::SetHeader(std::string_view covered) {
  crypto_generichash(header_digest_.data(), header_digest_.size(), Bytes(covered), covered.size(),
                     nullptr, 0);
}

void BlockCipher::Nonce(const BlockHeader& h, uint8_t* nonce) const {
  // §15.4: kind, dump_id, seq, then the first 15 bytes of the archive id: 24 bytes, distinct for
  // every block of an archive.
  nonce[0] = h.kind;
  StoreU32(nonce + 1, h.dump_id);
  StoreU32(nonce + 5, h.seq);
  std::memcpy(nonce + 9, archive_id_.data(), 15);
}

void BlockCipher::Associated(const BlockHeader& h, std::string_view extra, std::string* ad) const {
  uint8_t bh[layout::kBlockHeaderSize];
  EncodeBlockHeader(h, bh);
  ad->assign(reinterpret_cast<const char*>(header_digest_.data()), header_digest_.size());
  ad->append(reinterpret_cast<const char*>(bh), kBlockHeaderBound);
  ad->append(extra);
}

void BlockCipher::Seal(const BlockHeader& h, std::string_view plain, std::string_view extra,
                       std::string* out) const {
  uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  Nonce(h, nonce);
  std::string ad;
  Associated(h, extra, &ad);
  out->resize(plain.size() + kSealOverhead);
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<uint8_t*>(out->data()), &n,
                                             Bytes(plain), plain.size(), Bytes(ad), ad.size(),
                                             nullptr, nonce, key_.data());
  out->resize(static_cast<size_t>(n));
}

bool BlockCipher::Open(const BlockHeader& h, std::string_view sealed, std::string_view extra,
                       std::string* out) const {
  if (sealed.size() < kSealOverhead) return false;
  uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  Nonce(h, nonce);
  std::string ad;
  Associated(h, extra, &ad);
  out->resize(sealed.size() - kSealOverhead);
  unsigned long long n = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<uint8_t*>(out->data()), &n,
                                                 nullptr, Bytes(sealed), sealed.size(), Bytes(ad),
                                                 ad.size(), nonce, key_.data()) != 0) {
    out->clear();
    return false;
  }
  out->resize(static_cast<size_t>(n));
  return true;
}

std::string SealWholeBlock(const BlockCipher& cipher, std::string_view block,
                           std::string_view extra) {
  BlockHeader h;
  DecodeBlockHeader(Bytes(block), &h);
  const std::string_view plain = block.substr(layout::kBlockHeaderSize);
  h.stored_len = static_cast<uint32_t>(plain.size() + kSealOverhead);
  std::string sealed;
  cipher.Seal(h, plain, extra, &sealed);
  h.payload_checksum = Checksum(sealed);
  std::string out(layout::kBlockHeaderSize, '\0');
  EncodeBlockHeader(h, reinterpret_cast<uint8_t*>(out.data()));
  out += sealed;
  return out;
}

}  // namespace internal

}  // namespace libdump::format

namespace libdump::format {

std::string DescribeEncryption(const ArchiveHeader& h) {
  if (!h.encrypted) return "";
  internal::EncryptionField f;
  if (!internal::ParseEncryptionField(h.encryption, &f).ok()) return "unknown";
  return internal::DescribeEncryption(f);
}

}  // namespace libdump::format

namespace libdump::format {

Result<std::unique_ptr<ScratchSealer>> ScratchSealer::Create() {
  RETURN_IF_ERROR(InitSodium());
  std::unique_ptr<ScratchSealer> s(new ScratchSealer());
  crypto_aead_xchacha20poly1305_ietf_keygen(s->key_.data());
  return s;
}

ScratchSealer::~ScratchSealer() { sodium_memzero(key_.data(), key_.size()); }

void ScratchSealer::Seal(uint64_t counter, std::string_view plain, std::string* out) const {
  uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = {};
  internal::StoreU64(nonce, counter);
  out->resize(plain.size() + kOverhead);
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<uint8_t*>(out->data()), &n,
                                             internal::Bytes(plain), plain.size(), nullptr, 0,
                                             nullptr, nonce, key_.data());
  out->resize(static_cast<size_t>(n));
}

bool ScratchSealer::Open(uint64_t counter, std::string_view sealed, std::string* out) const {
  if (sealed.size() < kOverhead) return false;
  uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = {};
  internal::StoreU64(nonce, counter);
  out->resize(sealed.size() - kOverhead);
  unsigned long long n = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<uint8_t*>(out->data()), &n,
                                                 nullptr, internal::Bytes(sealed), sealed.size(),
                                                 nullptr, 0, nonce, key_.data()) != 0) {
    return false;
  }
  out->resize(static_cast<size_t>(n));
  return true;
}

}  // namespace libdump::format
