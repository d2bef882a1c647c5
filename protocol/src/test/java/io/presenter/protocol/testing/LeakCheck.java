package io.presenter.protocol.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty reported a buffer leak during it. After the test it collects garbage
 * and allocates a few buffers, which is when Netty's detector notices unreleased buffers whose
 * owners were collected. Use with {@code @ExtendWith(LeakCheck.class)}.
 */
public final class LeakCheck implements AfterEachCallback {
  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    assertThat(LeakRecorder.installed()).as("LeakRecorder must be registered as a LauncherSessionListener").isTrue();
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(20); // lets the reference queue fill; not a synchronisation wait
      for (int i = 0; i < 64; i++) {
        ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        probe.release();
      }
    }
    List<String> leaks = LeakRecorder.drain();
    assertThat(leaks).as("Netty buffer leaks").isEmpty();
  }
}
