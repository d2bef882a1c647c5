package io.presenter.launcher;

import io.presenter.chat.server.ChatServerMain;
import io.presenter.runtime.process.ProcessMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code presenter chat-server}: one production chat server until SIGTERM or Ctrl-C. */
@Command(name = "chat-server", description = {
    "run one chat server (production)",
    "",
    "Runs until SIGTERM or Ctrl-C, then stops gracefully. Any setting can be overridden with"
        + " CONFIG_FORCE_presenter_chat_<path> environment variables (docs/CONFIG.md)."})
final class ChatServerCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "HOCON (see deploy/config/chat-server.conf)."
      + " Default: settings from the environment only.")
  Path config;

  @Override
  public Integer call() throws Exception {
    ProcessMain.runUntilStopped(ChatServerMain.start(config));
    return 0;
  }
}
