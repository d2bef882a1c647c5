package io.presenter.chat.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * The child process of {@link H2CrashDurabilityTest}: opens the embedded store in
 * {@code args[0]} and appends to couple {@code args[1]} until it is killed, up to 64 appends in
 * flight, printing {@code ACK <seq> <client message id>} for each acknowledged one.
 */
public final class CrashingAppender {

  private CrashingAppender() {}

  public static void main(String[] args) throws InterruptedException {
    Path dataDir = Path.of(args[0]);
    String couple = args[1];
    PrintStream out = System.out;
    byte[] body = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
    MessageStore store = MessageStores.open(StoreConfig.embedded(dataDir),
        new SimpleMeterRegistry());
    out.println("OPEN");
    out.flush();
    Semaphore inFlight = new Semaphore(64);
    for (long i = 1; ; i++) {
      inFlight.acquire();
      String id = "m" + i;
      store.append(new AppendRequest(couple, "alice", "phone", id, 1, body, i))
          .whenComplete((r, e) -> {
            if (e == null) {
              synchronized (out) {
                out.println("ACK " + r.seq() + " " + id);
                out.flush();
              }
            }
            inFlight.release();
          });
    }
  }
}
