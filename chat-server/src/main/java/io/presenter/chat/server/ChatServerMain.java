package io.presenter.chat.server;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code chat-server --config FILE}: runs one chat server until SIGTERM/Ctrl-C, then stops gracefully. */
public final class ChatServerMain {
  private ChatServerMain() {}

  public static void main(String[] args) throws Exception {
    Path config = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = Path.of(args[++i]);
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println("usage: presenter chat-server --config FILE\n"
            + "  Runs one chat server. FILE is HOCON (see deploy/config/chat-server.conf);\n"
            + "  any setting can be overridden with CONFIG_FORCE_presenter_chat_<path> environment variables.");
        return;
      } else {
        System.err.println("unknown argument " + args[i] + " (try --help)");
        System.exit(2);
      }
    }
    ChatServer server = new ChatServer(ChatServerConfig.load(config)).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }
}
