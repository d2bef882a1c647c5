package io.presenter.runtime.process;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** The shared shape of a server process's main: {@code --config FILE}, run until SIGTERM/Ctrl-C. */
public final class ProcessMain {
  /** Starts the process from its config file (null: defaults and environment only). */
  @FunctionalInterface
  public interface Starter {
    AutoCloseable start(Path config) throws Exception;
  }

  private ProcessMain() {}

  /**
   * Parses {@code --config FILE} and {@code --help}, starts the process and blocks until the JVM
   * is asked to stop; the shutdown hook closes it gracefully. Bad arguments exit with status 2.
   */
  public static void run(String[] args, String usage, Starter starter) throws Exception {
    Path config = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = Path.of(args[++i]);
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.print(usage);
        return;
      } else {
        System.err.println("unknown argument " + args[i] + " (try --help)");
        System.exit(2);
      }
    }
    AutoCloseable process = starter.start(config);
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
