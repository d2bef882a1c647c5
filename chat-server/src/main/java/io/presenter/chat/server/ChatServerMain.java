package io.presenter.chat.server;

import java.nio.file.Path;

/** Starts one chat server process, as {@code presenter chat-server --config FILE} does. */
public final class ChatServerMain {
  private ChatServerMain() {}

  /** Starts a chat server from {@code config} (HOCON; null: defaults and environment only); closing it stops gracefully. */
  public static AutoCloseable start(Path config) throws Exception {
    return new ChatServer(ChatServerConfig.load(config)).start();
  }
}
