package io.presenter.launcher;

import io.presenter.chat.server.ChatServer;
import io.presenter.gateway.server.GatewayServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code presenter local}: runs a {@link LocalCluster} until Ctrl-C or SIGTERM. */
final class LocalCommand {
  static final String USAGE =
      """
      usage: presenter local [--chat-servers N] [--gateways M] [--port P] [--direct-port Q]
                             [--data-dir D]
        Runs a whole cluster on loopback: an embedded ZooKeeper, N chat servers (default 3) on
        one embedded store, M gateways (default 2; 0 = none, e.g. to run a gateway as its own
        process) on ports P, P+1, ... (default 8443; 0 = any free port). --direct-port opens the
        first chat server's direct TLS client listener on port Q (0 = any free port; default:
        no direct listener). Keys, certificates, ZooKeeper data and messages live in D (default
        ./local-data) and survive restarts. Writes D/local.json. Stops on Ctrl-C or SIGTERM.
        CONFIG_FORCE_ environment variables (docs/CONFIG.md) apply to every gateway and chat
        server for the settings this command does not set itself, e.g.
        CONFIG_FORCE_presenter_gateway_limits_max__connections__per__ip=50000 for a big loadtest.
      """;

  private LocalCommand() {}

  static void run(String[] argv) throws Exception {
    Args args = new Args(argv, 0, Set.of("chat-servers", "gateways", "port", "direct-port", "data-dir"));
    if (args.help()) {
      System.out.print(USAGE);
      return;
    }
    int chats = args.getInt("chat-servers", 3);
    int gateways = args.getInt("gateways", 2);
    int directPort = args.getInt("direct-port", -1);
    if (chats < 1 || gateways < 0) {
      throw new Args.UsageException("--chat-servers must be at least 1 and --gateways at least 0");
    }
    if (directPort < -1 || directPort > 65535) {
      throw new Args.UsageException("--direct-port must be a port number (0 = any free port)");
    }
    Path dataDir = Path.of(args.get("data-dir", "local-data"));
    LocalCluster cluster = new LocalCluster(dataDir, chats, gateways, args.getInt("port", 8443), directPort).start();
    Path description = cluster.writeDescription();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("stopping...");
      cluster.close();
      stopped.countDown();
    }, "shutdown"));
    printSummary(cluster, description);
    stopped.await();
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
