package io.presenter.launcher;

import io.presenter.chat.server.ChatServer;
import io.presenter.cli.Cli;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.runtime.process.ProcessMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code presenter local}: runs a {@link LocalCluster} until Ctrl-C or SIGTERM. */
@Command(name = "local", description = {
    "a whole cluster on loopback: ZooKeeper, chat servers, gateways",
    "",
    "Runs an embedded ZooKeeper, chat servers on one embedded store and gateways, all on 127.0.0.1, until Ctrl-C"
        + " or SIGTERM. Writes DIR/local.json, which presenter chat --local, loadtest --local and bench --local read."
        + " CONFIG_FORCE_ environment variables (docs/CONFIG.md) apply to every gateway and chat server for the"
        + " settings this command does not set itself, e.g."
        + " CONFIG_FORCE_presenter_gateway_limits_max__connections__per__ip=50000 for a big loadtest."})
final class LocalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--chat-servers", paramLabel = "N", defaultValue = "3", description = "chat servers (default ${DEFAULT-VALUE})")
  int chatServers;

  @Option(names = "--gateways", paramLabel = "M", defaultValue = "2",
      description = "gateways (default ${DEFAULT-VALUE}; 0 = none, e.g. to run a gateway as its own process)")
  int gateways;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8443",
      description = "the gateways listen on P, P+1, ... (default ${DEFAULT-VALUE}; 0 = any free port)")
  int port;

  @Option(names = "--direct-port", paramLabel = "Q",
      description = "open the first chat server's direct TLS client listener on port Q (0 = any free port; default: none)")
  Integer directPort;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "local-data",
      description = "keys, certificates, ZooKeeper data and messages, kept across restarts (default ${DEFAULT-VALUE})")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    if (chatServers < 1 || gateways < 0) {
      throw Cli.usageError(spec, "--chat-servers must be at least 1 and --gateways at least 0");
    }
    if (directPort != null && (directPort < 0 || directPort > 65535)) {
      throw Cli.usageError(spec, "--direct-port must be a port number (0 = any free port)");
    }
    LocalCluster cluster = new LocalCluster(dataDir, chatServers, gateways, port, directPort == null ? -1 : directPort).start();
    printSummary(cluster, cluster.writeDescription());
    ProcessMain.runUntilStopped(() -> {
      System.out.println("stopping...");
      cluster.close();
    });
    return 0;
  }

  private static void printSummary(LocalCluster cluster, Path description) {
    StringBuilder out = new StringBuilder("Presenter local cluster is up.\n");
    for (GatewayServer g : cluster.gateways()) {
      out.append("  gateway      127.0.0.1:").append(g.port())
          .append("   metrics http://127.0.0.1:").append(g.adminPort()).append("/metrics\n");
    }
    for (ChatServer c : cluster.chatServers()) {
      out.append("  ").append(c.id()).append("       metrics http://127.0.0.1:").append(c.adminPort()).append("/metrics\n");
      if (c.clientPort() > 0) {
        out.append("  ").append(c.id()).append(" direct TLS 127.0.0.1:").append(c.clientPort()).append('\n');
      }
    }
    out.append("  zookeeper    ").append(cluster.zookeeperConnect()).append('\n');
    out.append("  trust CA     ").append(cluster.caFile()).append('\n');
    out.append("  token key    ").append(cluster.keyFile()).append('\n');
    out.append("  described in ").append(description).append('\n');
    Duration day = Duration.ofDays(1);
    String dir = cluster.keyFile().getParent().toString();
    out.append("Chat as the two partners of couple \"demo\" (tokens valid 24 h), in two terminals:\n");
    if (cluster.gateways().isEmpty()) {
      out.append("  (no gateway in this cluster: start one, then use presenter chat --gateway HOST:PORT)\n");
    }
    out.append("  deploy/bin/presenter chat --local ").append(dir).append(" --token ")
        .append(cluster.token("alice", "demo", day)).append('\n');
    out.append("  deploy/bin/presenter chat --local ").append(dir).append(" --token ")
        .append(cluster.token("bob", "demo", day)).append('\n');
    out.append("Mint more with: deploy/bin/presenter token --user U --couple C --key-file ").append(cluster.keyFile()).append('\n');
    out.append("Ctrl-C stops the cluster.\n");
    System.out.print(out);
    System.out.flush();
  }
}
