package io.presenter.runtime.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Murmur3Test {

  /**
   * SMHasher's VerificationTest for MurmurHash3_x64_128: hash the keys {}, {0}, {0,1}, ...,
   * {0..254} with seed 256 - length, hash the concatenated digests with seed 0, and the first four
   * bytes, little-endian, must be 0x6384BA69. Covers every tail length and the block loop.
   */
  @Test
  void passesSmhasherVerification() {
    byte[] key = new byte[256];
    ByteBuffer digests = ByteBuffer.allocate(256 * 16).order(ByteOrder.LITTLE_ENDIAN);
    long[] out = new long[2];
    for (int i = 0; i < 256; i++) {
      key[i] = (byte) i;
      Murmur3.hash128(key, 0, i, 256 - i, out);
      digests.putLong(out[0]).putLong(out[1]);
    }
    long h1 = Murmur3.hash128(digests.array(), 0, digests.capacity(), 0, null);
    assertThat((int) h1).isEqualTo(0x6384BA69);
  }

  /** Values computed independently with Guava's {@code murmur3_128().hashString(s, UTF_8).asLong()}. */
  @Test
  void matchesAnIndependentImplementation() {
    assertThat(HashRing.hash("")).isEqualTo(0L);
    assertThat(HashRing.hash("a")).isEqualTo(0x85555565f6597889L);
    assertThat(HashRing.hash("couple-1")).isEqualTo(0x6c5f5e897dfddee8L);
    assertThat(HashRing.hash("0123456789abcdef0")).isEqualTo(0xeb24ae8785a5c075L);
    assertThat(HashRing.hash("\u00e9\u2603 long string of many chars")).isEqualTo(0xb840e1aff1072cb7L);
  }

  @Test
  void hash64IsTheFirstHalfWithSeedZeroAndRespectsOffset() {
    byte[] data = "\u00e9 couple-42 \u2603".getBytes(StandardCharsets.UTF_8);
    long[] out = new long[2];
    long h1 = Murmur3.hash128(data, 0, data.length, 0, out);
    assertThat(Murmur3.hash64(data)).isEqualTo(h1).isEqualTo(out[0]);

    byte[] padded = new byte[data.length + 7];
    System.arraycopy(data, 0, padded, 3, data.length);
    assertThat(Murmur3.hash128(padded, 3, data.length, 0, null)).isEqualTo(h1);
  }
}
