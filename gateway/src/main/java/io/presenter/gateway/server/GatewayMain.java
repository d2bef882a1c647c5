package io.presenter.gateway.server;

import io.presenter.gateway.config.GatewayConfig;
import java.nio.file.Path;

/** Starts one gateway process, as {@code presenter gateway --config FILE} does. */
public final class GatewayMain {
  private GatewayMain() {}

  /**
   * Starts a gateway from {@code config} (HOCON; null: defaults and environment only). Closing
   * the result, as SIGTERM does, drains first (clients move, spread over the drain window), then
   * stops.
   */
  public static AutoCloseable start(Path config) throws Exception {
    GatewayServer gateway = new GatewayServer(GatewayConfig.load(config)).start();
    return () -> {
      gateway.drain().join();
      gateway.close();
    };
  }
}
