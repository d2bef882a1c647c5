package io.presenter.chat.server;

import io.presenter.runtime.process.ProcessMain;

/** {@code chat-server --config FILE}: runs one chat server until SIGTERM/Ctrl-C, then stops gracefully. */
public final class ChatServerMain {
  private static final String USAGE =
      """
      usage: presenter chat-server --config FILE
        Runs one chat server. FILE is HOCON (see deploy/config/chat-server.conf and docs/CONFIG.md);
        any setting can be overridden with CONFIG_FORCE_presenter_chat_<path> environment variables.
      """;

  private ChatServerMain() {}

  public static void main(String[] args) throws Exception {
    ProcessMain.run(args, USAGE, config -> new ChatServer(ChatServerConfig.load(config)).start());
  }
}
