package io.presenter.gateway.server;

import io.presenter.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code gateway --config FILE}: runs one gateway until SIGTERM/Ctrl-C. */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    Path config = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = Path.of(args[++i]);
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println("usage: presenter gateway --config FILE\n"
            + "  Runs one gateway. FILE is HOCON (see deploy/config/gateway.conf); it needs at least\n"
            + "  zookeeper.connect, tls.cert-file, tls.key-file and tokens.key-file. Any setting can be\n"
            + "  overridden with CONFIG_FORCE_presenter_gateway_<path> environment variables.");
        return;
      } else {
        System.err.println("unknown argument " + args[i] + " (try --help)");
        System.exit(2);
      }
    }
    GatewayServer server = new GatewayServer(GatewayConfig.load(config)).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }
}
