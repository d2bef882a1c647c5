package io.presenter.launcher;

import io.presenter.chat.server.ChatServerMain;
import io.presenter.gateway.server.GatewayMain;
import java.util.Arrays;

/** The {@code presenter} command: one entry point for every process and tool. */
public final class Presenter {
  static final String USAGE =
      """
      usage: presenter COMMAND [options]   (presenter COMMAND --help for its options)

        local        a whole cluster on loopback: ZooKeeper, chat servers, gateways
        gateway      run one gateway (production)
        chat-server  run one chat server (production)
        drain        drain a gateway through its admin endpoint and wait until it is done
        token        mint an auth token (JWT) for a user of a couple
        bench        benchmark a gateway or a chat server's direct port: handshakes, memory, relay latency
        chat         an interactive terminal chat client (built on the Java SDK)
        loadtest     simulated couples through gateways: latency, loss/duplicate checks, JSON and HTML report
      """;

  private Presenter() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(USAGE);
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      switch (args[0]) {
        case "local" -> LocalCommand.run(rest);
        case "gateway" -> GatewayMain.main(rest);
        case "chat-server" -> ChatServerMain.main(rest);
        case "token" -> TokenCommand.run(rest);
        case "drain" -> DrainCommand.run(rest);
        case "bench" -> BenchCommand.run(rest);
        case "chat" -> ChatCommand.run(rest);
        case "loadtest" -> LoadtestCommand.run(rest);
        case "loadtest-worker" -> io.presenter.loadtest.harness.Worker.run(); // started by loadtest --workers N
        default -> {
          System.err.print("unknown command " + args[0] + "\n" + USAGE);
          System.exit(2);
        }
      }
    } catch (Args.UsageException e) {
      System.err.println("presenter " + args[0] + ": " + e.getMessage() + " (try --help)");
      System.exit(2);
    }
  }
}
