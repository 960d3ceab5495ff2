// The encryption of an archive's blocks (archive_format.md §15). Internal to libdump_format and
// its unit tests.
//
// A BlockCipher holds one archive's file key, its archive id and the digest of its header: all
// it needs to seal or open any block of that archive. It is immutable once made, so any number of
// threads may seal or open blocks with it at once.
#ifndef LIBDUMP_FORMAT_SRC_CIPHER_H_
#define LIBDUMP_FORMAT_SRC_CIPHER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "codec.h"
#include "libdump/format/crypto.h"
#include "libdump/status.h"

namespace libdump::format::internal {

// §15.4: bytes a sealed payload adds to the plain one (the Poly1305 tag).
inline constexpr size_t kSealOverhead = 16;
// §15.4: bytes of a block header that are associated data of its payload.
inline constexpr size_t kBlockHeaderBound = 24;
// §15.4: the bytes of the footer that are associated data of the index block: [8, 40).
inline constexpr size_t kFooterBoundFrom = 8;
inline constexpr size_t kFooterBoundTo = 40;

// What the §4.2 encryption field says, checked for structure (§15.3) but not unwrapped.
struct EncryptionField {
  uint8_t suite = 0;
  uint8_t wrap = 0;  // 1 recipient, 2 passphrase
  std::array<uint8_t, 16> archive_id{};
  std::array<uint8_t, 8> key_id{};  // wrap 1
  uint64_t ops = 0;                 // wrap 2
  uint64_t memory = 0;              // wrap 2
};
// kCorruption (a wrong length, an unknown wrap) or kUnsupported (an unknown suite, Argon2id
// limits above what a reader accepts).
Status ParseEncryptionField(std::string_view field, EncryptionField* out);
// For humans: "X25519 to key 1a2b...", "passphrase (Argon2id, 2 passes, 64 MiB)".
std::string DescribeEncryption(const EncryptionField& f);

class BlockCipher {
 public:
  // A writer's cipher: a new random file key and archive id, wrapped as `e` says. `field` receives
  // the §4.2 encryption field to write in the header. kInvalidArgument for a bad Encryption (an
  // empty passphrase, Argon2id limits out of range).
  static Result<std::unique_ptr<BlockCipher>> ForWriting(const Encryption& e, std::string* field);
  // A reader's cipher: unwraps the file key of the archive whose encryption field is `field` with
  // the key of `keys` that fits it. kInvalidArgument when `keys` has no key of the archive's kind;
  // kCorruption for a wrong key or passphrase (or a changed header field), naming which.
  static Result<std::unique_ptr<BlockCipher>> ForReading(std::string_view field,
                                                         const Keyring& keys);
  ~BlockCipher();
  BlockCipher(const BlockCipher&) = delete;
  BlockCipher& operator=(const BlockCipher&) = delete;

  // §15.4: binds every block to the header: `covered` is the header's bytes [0, 20 + L).
  void SetHeader(std::string_view covered);

  // Seals `plain` as the payload of the block whose header is `h` (its stored_len already
  // plain.size() + kSealOverhead, its flags final) into `out`. `extra` is further associated
  // data (the footer's bound bytes, for the index block).
  void Seal(const BlockHeader& h, std::string_view plain, std::string_view extra,
            std::string* out) const;
  // Opens a sealed payload into `out`; false when it does not authenticate.
  bool Open(const BlockHeader& h, std::string_view sealed, std::string_view extra,
            std::string* out) const;

 private:
  BlockCipher() = default;
  void Nonce(const BlockHeader& h, uint8_t* nonce) const;
  void Associated(const BlockHeader& h, std::string_view extra, std::string* ad) const;

  std::array<uint8_t, 32> key_{};
  std::array<uint8_t, 16> archive_id_{};
  std::array<uint8_t, 32> header_digest_{};
};

// Re-encodes a complete plain block (header and payload, as EncodeBlock makes it) as the same
// block sealed with `cipher` (§15.4): stored_len grows by kSealOverhead, the payload checksum is
// that of the sealed bytes. `extra` as for BlockCipher::Seal.
std::string SealWholeBlock(const BlockCipher& cipher, std::string_view block,
                           std::string_view extra = {});

}  // namespace libdump::format::internal

#endif  // LIBDUMP_FORMAT_SRC_CIPHER_H_
