// aead_bench: throughput of the authenticated ciphers an encrypted archive could use
// (archive_format.md §15.2 says which was chosen and why).
//
//   aead_bench [--mb N] [--runs R]
//
// Seals and opens N MB (default 256) of pseudo-random bytes cut into 256 KiB pieces (about the
// size of a compressed 1 MiB block of COPY text) with a fresh nonce per piece, in one thread:
//   - libsodium crypto_aead_xchacha20poly1305_ietf;
//   - libsodium crypto_aead_aes256gcm (only when the CPU has AES-NI and PCLMUL);
//   - OpenSSL 3 EVP AES-256-GCM and ChaCha20-Poly1305.
// Each figure is the best of R runs (default 5), in MB/s (10^6 bytes) by wall clock. Not a test.
#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

constexpr size_t kPiece = 256 * 1024;
constexpr size_t kTag = 16;

double BestMbPerSecond(size_t bytes, int runs, const std::function<bool()>& body) {
  double best = 0;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!body()) {
      std::fprintf(stderr, "aead_bench: a cipher call failed\n");
      std::exit(1);
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, static_cast<double>(bytes) / 1e6 / s);
  }
  return best;
}

// One OpenSSL AEAD pass over every piece; `seal` chooses the direction. The 12-byte nonce is the
// piece number, as a per-block counter would be.
bool EvpPass(const EVP_CIPHER* cipher, const unsigned char* key, bool seal,
             const std::vector<unsigned char>& in, std::vector<unsigned char>* out) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return false;
  bool ok = true;
  const size_t pieces = in.size() / (seal ? kPiece : kPiece + kTag);
  for (size_t i = 0; i < pieces && ok; ++i) {
    unsigned char iv[12] = {};
    std::memcpy(iv, &i, sizeof i);
    const unsigned char* src = in.data() + i * (seal ? kPiece : kPiece + kTag);
    unsigned char* dst = out->data() + i * (seal ? kPiece + kTag : kPiece);
    int n = 0;
    int fin = 0;
    if (seal) {
      ok = EVP_EncryptInit_ex(ctx, cipher, nullptr, key, iv) == 1 &&
           EVP_EncryptUpdate(ctx, dst, &n, src, static_cast<int>(kPiece)) == 1 &&
           EVP_EncryptFinal_ex(ctx, dst + n, &fin) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, kTag, dst + kPiece) == 1;
    } else {
      ok = EVP_DecryptInit_ex(ctx, cipher, nullptr, key, iv) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, kTag,
                               const_cast<unsigned char*>(src + kPiece)) == 1 &&
           EVP_DecryptUpdate(ctx, dst, &n, src, static_cast<int>(kPiece)) == 1 &&
           EVP_DecryptFinal_ex(ctx, dst + n, &fin) == 1;
    }
  }
  EVP_CIPHER_CTX_free(ctx);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  size_t mb = 256;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--mb") == 0) mb = std::strtoul(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  }
  if (sodium_init() < 0) return 1;
  const size_t pieces = std::max<size_t>(1, mb * 1000000 / kPiece);
  const size_t bytes = pieces * kPiece;
  std::vector<unsigned char> plain(bytes);
  randombytes_buf(plain.data(), plain.size());
  std::vector<unsigned char> sealed(pieces * (kPiece + kTag));
  std::vector<unsigned char> opened(bytes);
  unsigned char key[32];
  randombytes_buf(key, sizeof key);

  std::printf("| cipher | seal MB/s | open MB/s |\n|---|---|---|\n");
  {
    const auto seal = [&] {
      for (size_t i = 0; i < pieces; ++i) {
        unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = {};
        std::memcpy(nonce, &i, sizeof i);
        crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data() + i * (kPiece + kTag), nullptr,
                                                   plain.data() + i * kPiece, kPiece, nullptr, 0,
                                                   nullptr, nonce, key);
      }
      return true;
    };
    const auto open = [&] {
      for (size_t i = 0; i < pieces; ++i) {
        unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = {};
        std::memcpy(nonce, &i, sizeof i);
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                opened.data() + i * kPiece, nullptr, nullptr, sealed.data() + i * (kPiece + kTag),
                kPiece + kTag, nullptr, 0, nonce, key) != 0) {
          return false;
        }
      }
      return true;
    };
    const double s = BestMbPerSecond(bytes, runs, seal);
    const double o = BestMbPerSecond(bytes, runs, open);
    std::printf("| libsodium XChaCha20-Poly1305 | %.0f | %.0f |\n", s, o);
  }
  if (crypto_aead_aes256gcm_is_available() != 0) {
    const auto seal = [&] {
      for (size_t i = 0; i < pieces; ++i) {
        unsigned char nonce[crypto_aead_aes256gcm_NPUBBYTES] = {};
        std::memcpy(nonce, &i, sizeof i);
        crypto_aead_aes256gcm_encrypt(sealed.data() + i * (kPiece + kTag), nullptr,
                                      plain.data() + i * kPiece, kPiece, nullptr, 0, nullptr, nonce,
                                      key);
      }
      return true;
    };
    const auto open = [&] {
      for (size_t i = 0; i < pieces; ++i) {
        unsigned char nonce[crypto_aead_aes256gcm_NPUBBYTES] = {};
        std::memcpy(nonce, &i, sizeof i);
        if (crypto_aead_aes256gcm_decrypt(opened.data() + i * kPiece, nullptr, nullptr,
                                          sealed.data() + i * (kPiece + kTag), kPiece + kTag,
                                          nullptr, 0, nonce, key) != 0) {
          return false;
        }
      }
      return true;
    };
    const double s = BestMbPerSecond(bytes, runs, seal);
    const double o = BestMbPerSecond(bytes, runs, open);
    std::printf("| libsodium AES-256-GCM | %.0f | %.0f |\n", s, o);
  } else {
    std::printf("| libsodium AES-256-GCM | not available on this CPU | |\n");
  }
  const struct {
    const char* name;
    const EVP_CIPHER* cipher;
  } evp[] = {{"OpenSSL EVP AES-256-GCM", EVP_aes_256_gcm()},
             {"OpenSSL EVP ChaCha20-Poly1305", EVP_chacha20_poly1305()}};
  for (const auto& c : evp) {
    const double s =
        BestMbPerSecond(bytes, runs, [&] { return EvpPass(c.cipher, key, true, plain, &sealed); });
    const double o = BestMbPerSecond(
        bytes, runs, [&] { return EvpPass(c.cipher, key, false, sealed, &opened); });
    if (std::memcmp(opened.data(), plain.data(), bytes) != 0) return 1;
    std::printf("| %s | %.0f | %.0f |\n", c.name, s, o);
  }
  return 0;
}
