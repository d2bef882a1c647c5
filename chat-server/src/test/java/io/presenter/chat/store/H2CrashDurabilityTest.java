package io.presenter.chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every message the embedded store acknowledged is still there after the process is killed
 * (SIGKILL, no shutdown hooks) in the middle of appending.
 */
class H2CrashDurabilityTest {

  private static final int ACKS_BEFORE_KILL = 2_000;

  @TempDir
  Path dataDir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void acknowledgedMessagesSurviveAKilledProcess() throws Exception {
    String couple = StoreTesting.newCouple();
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"),
        CrashingAppender.class.getName(), dataDir.toString(), couple)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    Map<Long, String> acked = new HashMap<>();
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          String[] parts = line.split(" ");
          acked.put(Long.parseLong(parts[1]), parts[2]);
          if (acked.size() == ACKS_BEFORE_KILL) {
            // SIGKILL through the handle: Process.destroyForcibly would also close our end of
            // the pipe, losing acknowledgements that are already in it.
            child.toHandle().destroyForcibly();
          }
        }
      }
    } finally {
      child.destroyForcibly();
      child.waitFor();
    }
    // Lines already in the pipe when the process died count too: they were acknowledged.
    assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

    try (MessageStore store = MessageStores.open(StoreConfig.embedded(dataDir),
        new SimpleMeterRegistry())) {
      long latest = store.latestSeq(couple);
      assertThat(latest).isGreaterThanOrEqualTo(acked.size());
      Map<Long, String> stored = new HashMap<>();
      long after = 0;
      List<StoredMessage> page;
      while (!(page = store.readAfter(couple, after, StoreLimits.MAX_READ_LIMIT)).isEmpty()) {
        for (StoredMessage m : page) {
          assertThat(m.seq()).isEqualTo(after + 1);
          stored.put(m.seq(), m.clientMessageId());
          after = m.seq();
        }
      }
      assertThat(after).isEqualTo(latest);
      assertThat(stored).containsAllEntriesOf(acked);
      System.out.printf("killed after %d acks; %d messages survived%n", acked.size(), latest);
    }
  }
}
