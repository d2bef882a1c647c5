package io.presenter.runtime.process;

import java.util.concurrent.CountDownLatch;

/** The shared shape of a server process's main: run until SIGTERM/Ctrl-C, then stop gracefully. */
public final class ProcessMain {
  private ProcessMain() {}

  /**
   * Blocks until the JVM is asked to stop; a shutdown hook closes {@code process} gracefully
   * first. The command line is the launcher's ({@code presenter gateway}, {@code presenter
   * chat-server}).
   */
  public static void runUntilStopped(AutoCloseable process) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        process.close();
      } catch (Exception e) {
        System.err.println("error while stopping: " + e);
      } finally {
        stopped.countDown();
      }
    }, "shutdown"));
    stopped.await();
  }
}
