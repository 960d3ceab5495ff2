// Encrypted archives (archive_format.md §15): keys, key files, and what a writer and a reader
// are given to encrypt or decrypt. The cryptography is libsodium's; this header names no
// libsodium type, so applications need not see its headers.
//
// Keys: an X25519 key pair (the recipient's public key encrypts, its secret key decrypts), or a
// passphrase (stretched with Argon2id). Either one wraps a random key made for each archive.
//
// Thread safety: the types are plain values; the functions keep no state.
#ifndef LIBDUMP_FORMAT_CRYPTO_H_
#define LIBDUMP_FORMAT_CRYPTO_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "libdump/status.h"

namespace libdump::format {

// Bytes of an X25519 public or secret key.
inline constexpr size_t kKeyBytes = 32;

struct PublicKey {
  std::array<uint8_t, kKeyBytes> bytes{};
};

// A secret key. Its bytes are wiped when it is destroyed or overwritten.
class SecretKey {
 public:
  SecretKey() = default;
  explicit SecretKey(const std::array<uint8_t, kKeyBytes>& bytes) : bytes_(bytes) {}
  SecretKey(const SecretKey& other) = default;
  SecretKey& operator=(const SecretKey& other);
  ~SecretKey();

  const std::array<uint8_t, kKeyBytes>& bytes() const { return bytes_; }
  // The public key that goes with it.
  PublicKey Public() const;

 private:
  std::array<uint8_t, kKeyBytes> bytes_{};
};

// A fresh key pair from the system's random source.
struct KeyPair {
  PublicKey public_key;
  SecretKey secret_key;
};
Result<KeyPair> GenerateKeyPair();

// A short hexadecimal name of a public key (16 digits: the first 8 bytes of its BLAKE2b-256
// hash), as --list shows for the archive's recipient and error messages for a wrong key.
std::string KeyId(const PublicKey& key);

// --- Key files (docs/manual.md, "Encrypted archives") -------------------------------------------
//
// One line each: `ndump-public-key-v1 <base64 of 32 bytes>` and `ndump-secret-key-v1 <base64 of
// 32 bytes>`, base64 with padding (RFC 4648 §4), a final newline optional.

std::string FormatPublicKey(const PublicKey& key);
std::string FormatSecretKey(const SecretKey& key);
// kInvalidArgument naming `what` (a file name) when the text is not such a line.
Result<PublicKey> ParsePublicKey(std::string_view text, std::string_view what);
Result<SecretKey> ParseSecretKey(std::string_view text, std::string_view what);

// Reads a public key file.
Result<PublicKey> ReadPublicKeyFile(const std::string& path);
// Reads a secret key file. Refuses (kInvalidArgument) a file that its group or others may read,
// as ssh refuses such a private key, saying so and how to fix it.
Result<SecretKey> ReadSecretKeyFile(const std::string& path);
// Reads a passphrase: the file's first line, without its newline; kInvalidArgument when empty.
// Refuses a file its group or others may read, like a secret key file.
Result<std::string> ReadPassphraseFile(const std::string& path);
// Writes a new key pair: the secret key to `secret_path`, created with mode 0600, and the public
// key to `public_path` (0644). Neither file may exist (kInvalidArgument); on a failure after the
// secret file was created, it is removed.
Status WriteKeyPairFiles(const KeyPair& pair, const std::string& secret_path,
                         const std::string& public_path);

// --- What a writer and a reader are given
// ---------------------------------------------------------

// Argon2id cost of a passphrase-encrypted archive (§15.3). The defaults are libsodium's
// "interactive" limits: 2 passes over 64 MiB, about a tenth of a second.
inline constexpr uint64_t kDefaultPassphraseOps = 2;
inline constexpr uint64_t kDefaultPassphraseMemory = 64ull << 20;

// How an archive is to be encrypted. kNone writes the archive as before.
struct Encryption {
  enum class Mode { kNone, kRecipient, kPassphrase };
  Mode mode = Mode::kNone;
  PublicKey recipient;     // kRecipient
  std::string passphrase;  // kPassphrase; not empty
  uint64_t passphrase_ops = kDefaultPassphraseOps;
  uint64_t passphrase_memory = kDefaultPassphraseMemory;  // bytes

  bool enabled() const { return mode != Mode::kNone; }
  ~Encryption();
};

// The keys a reader may use on an encrypted archive: the one that fits the archive's wrap is
// used (a secret key for a recipient archive, a passphrase for a passphrase archive).
struct Keyring {
  std::optional<SecretKey> secret_key;
  std::optional<std::string> passphrase;

  bool empty() const { return !secret_key && !passphrase; }
  ~Keyring();
};

// Seals bytes that a program sets aside on disk while it reads an encrypted archive (a restore's
// spill file) with a random key that never leaves memory, so that nothing decrypted reaches the
// disk. Thread-safe after Create.
class ScratchSealer {
 public:
  static constexpr size_t kOverhead = 16;  // bytes Seal adds
  static Result<std::unique_ptr<ScratchSealer>> Create();
  ~ScratchSealer();
  ScratchSealer(const ScratchSealer&) = delete;
  ScratchSealer& operator=(const ScratchSealer&) = delete;

  // `counter` must be different for every call to Seal on one sealer (a file offset is).
  void Seal(uint64_t counter, std::string_view plain, std::string* out) const;
  // false when `sealed` is not what Seal made for `counter`.
  bool Open(uint64_t counter, std::string_view sealed, std::string* out) const;

 private:
  ScratchSealer() = default;
  std::array<uint8_t, kKeyBytes> key_{};
};

}  // namespace libdump::format

#endif  // LIBDUMP_FORMAT_CRYPTO_H_
