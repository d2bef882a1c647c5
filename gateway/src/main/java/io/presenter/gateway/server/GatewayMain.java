package io.presenter.gateway.server;

import io.presenter.gateway.config.GatewayConfig;
import io.presenter.runtime.process.ProcessMain;

/** {@code gateway --config FILE}: runs one gateway until SIGTERM/Ctrl-C, then drains and stops. */
public final class GatewayMain {
  private static final String USAGE =
      """
      usage: presenter gateway --config FILE
        Runs one gateway. FILE is HOCON (see deploy/config/gateway.conf and docs/CONFIG.md); it needs
        at least zookeeper.connect, tls.cert-file, tls.key-file and tokens.key-file. Any setting can be
        overridden with CONFIG_FORCE_presenter_gateway_<path> environment variables.
      """;

  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    ProcessMain.run(args, USAGE, config -> {
      GatewayServer gateway = new GatewayServer(GatewayConfig.load(config)).start();
      // SIGTERM drains first (clients move, spread over the drain window), then stops.
      return () -> {
        gateway.drain().join();
        gateway.close();
      };
    });
  }
}
