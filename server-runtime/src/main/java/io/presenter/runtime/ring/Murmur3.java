package io.presenter.runtime.ring;

/**
 * MurmurHash3, x64 128-bit variant (Austin Appleby's public-domain {@code MurmurHash3_x64_128}),
 * of which the ring uses the first 64 bits ({@code h1}; for seed 0 the same value as Guava's
 * {@code murmur3_128().hashBytes(..).asLong()}).
 *
 * <p>Chosen because it is small, fast, well distributed in all 64 bits and has a published
 * self-check (SMHasher's verification value {@code 0x6384BA69}, asserted by the test), so any
 * other implementation in any language can be checked to place couples identically. The ring
 * layout is part of the protocol between gateways and chat servers: changing this function or
 * how its input is formed moves couples between servers.
 *
 * <p>Stateless and allocation-free.
 */
final class Murmur3 {

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private Murmur3() {}

  /** The first 64 bits of the 128-bit hash of {@code data} with seed 0. */
  static long hash64(byte[] data) {
    return hash128(data, 0, data.length, 0, null);
  }

  /**
   * Hashes {@code data[offset, offset + length)}; returns {@code h1} and, when {@code out} is not
   * null, stores {@code h1} and {@code h2} (the two little-endian halves of the digest) in it.
   */
  static long hash128(byte[] data, int offset, int length, int seed, long[] out) {
    long h1 = seed & 0xffffffffL;
    long h2 = h1;
    int blocks = length >>> 4;
    for (int i = 0; i < blocks; i++) {
      int p = offset + (i << 4);
      h1 ^= mixK1(littleEndianLong(data, p));
      h1 = Long.rotateLeft(h1, 27) + h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= mixK2(littleEndianLong(data, p + 8));
      h2 = Long.rotateLeft(h2, 31) + h1;
      h2 = h2 * 5 + 0x38495ab5;
    }

    int tail = offset + (blocks << 4);
    int rest = length & 15;
    if (rest > 8) {
      long k2 = 0;
      for (int i = rest - 1; i >= 8; i--) {
        k2 |= (data[tail + i] & 0xffL) << ((i - 8) << 3);
      }
      h2 ^= mixK2(k2);
    }
    if (rest > 0) {
      long k1 = 0;
      for (int i = Math.min(rest, 8) - 1; i >= 0; i--) {
        k1 |= (data[tail + i] & 0xffL) << (i << 3);
      }
      h1 ^= mixK1(k1);
    }

    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 += h2;
    h2 += h1;
    if (out != null) {
      out[0] = h1;
      out[1] = h2;
    }
    return h1;
  }

  private static long mixK1(long k1) {
    return Long.rotateLeft(k1 * C1, 31) * C2;
  }

  private static long mixK2(long k2) {
    return Long.rotateLeft(k2 * C2, 33) * C1;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  private static long littleEndianLong(byte[] b, int i) {
    return (b[i] & 0xffL)
        | (b[i + 1] & 0xffL) << 8
        | (b[i + 2] & 0xffL) << 16
        | (b[i + 3] & 0xffL) << 24
        | (b[i + 4] & 0xffL) << 32
        | (b[i + 5] & 0xffL) << 40
        | (b[i + 6] & 0xffL) << 48
        | (b[i + 7] & 0xffL) << 56;
  }
}
