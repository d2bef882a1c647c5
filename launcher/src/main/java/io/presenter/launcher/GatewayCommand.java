package io.presenter.launcher;

import io.presenter.gateway.server.GatewayMain;
import io.presenter.runtime.process.ProcessMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code presenter gateway}: one production gateway until SIGTERM or Ctrl-C. */
@Command(name = "gateway", description = {
    "run one gateway (production)",
    "",
    "Runs until SIGTERM or Ctrl-C, which drain it first (clients move, spread over drain.window), then stop it."
        + " Any setting can be overridden with CONFIG_FORCE_presenter_gateway_<path> environment variables (docs/CONFIG.md)."})
final class GatewayCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "HOCON (see deploy/config/gateway.conf); it needs at least"
      + " zookeeper.connect, tls.cert-file, tls.key-file and tokens.key-file. Default: settings from the environment only.")
  Path config;

  @Override
  public Integer call() throws Exception {
    ProcessMain.runUntilStopped(GatewayMain.start(config));
    return 0;
  }
}
