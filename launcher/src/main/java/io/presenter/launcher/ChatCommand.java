package io.presenter.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.cli.Cli;
import io.presenter.client.PresenterClient;
import io.presenter.protocol.client.thrift.clientConstants;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code presenter chat}: an interactive terminal client built on {@link PresenterClient}. The main
 * thread reads stdin; everything printed comes from the client's event loop through {@link
 * ChatView}.
 */
@Command(name = "chat", description = {
    "an interactive terminal chat client (built on the Java SDK)",
    "",
    "A chat client for one user of a couple (the token says which). On connect it prints the history, then incoming"
        + " messages as \"[seq] sender: text\", and lines starting with \"*\" for the partner's typing, read marker,"
        + " presence and connection changes. Every line you type is sent and printed again as"
        + " \"[seq] you: text (sent)\" once the server stored it. It reconnects with backoff and resumes without losing"
        + " or repeating messages. Ctrl-D quits.",
    "Typing: a terminal hands over whole lines only, so \"typing\" is sent when a line is entered, just before the"
        + " message, and cleared right after it."})
final class ChatCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--token", paramLabel = "T", required = true, description = "the user's auth token (presenter token)")
  String token;

  @Option(names = "--gateway", paramLabel = "HOST:PORT", split = ",",
      description = "the gateways to connect to (comma-separated); or --local")
  List<String> gateways = new ArrayList<>();

  @Option(names = "--local", paramLabel = "DATA_DIR",
      description = "take the CA and the gateways from DATA_DIR/local.json (see presenter local)")
  Path local;

  @Option(names = "--ca", paramLabel = "FILE",
      description = "CA certificate to trust (default: the one of --local, else local-data/tls/ca.pem)")
  File ca;

  @Option(names = "--device", paramLabel = "D", description = "device id (default: a random cli-XXXXXXXX)")
  String device;

  @Override
  public Integer call() throws Exception {
    File trusted = ca;
    if (local != null) {
      if (!gateways.isEmpty()) {
        throw Cli.usageError(spec, "give either --local or --gateway");
      }
      JsonNode description = readLocal(local.resolve("local.json"));
      description.path("gateways").forEach(g -> gateways.add(g.path("address").asText()));
      if (trusted == null) {
        trusted = new File(description.path("ca").asText());
      }
    } else if (trusted == null) {
      trusted = new File("local-data/tls/ca.pem");
    }
    if (!trusted.isFile()) {
      throw Cli.usageError(spec, "no CA file " + trusted);
    }
    if (gateways.isEmpty()) {
      throw Cli.usageError(spec, "no gateway given (--gateway HOST:PORT or --local DATA_DIR)");
    }
    ChatView view = new ChatView(System.out);
    PresenterClient.Builder builder = PresenterClient.builder()
        .trustedCa(trusted)
        .tokens(() -> token)
        .deviceId(device != null ? device : "cli-" + UUID.randomUUID().toString().substring(0, 8))
        .clientVersion("presenter-chat")
        .listener(view);
    for (String g : gateways) {
      int colon = g.lastIndexOf(':');
      if (colon < 1) {
        throw Cli.usageError(spec, "--gateway takes HOST:PORT, not " + g);
      }
      try {
        builder.gateway(g.substring(0, colon), Integer.parseInt(g.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw Cli.usageError(spec, "bad port in " + g);
      }
    }
    try (PresenterClient client = builder.build()) {
      view.attach(client);
      view.print("* connecting to " + String.join(", ", gateways) + " ...");
      client.connect();
      readLines(client, view);
    }
    return 0;
  }

  private static void readLines(PresenterClient client, ChatView view) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      String text = line;
      client.typing(true);
      client.send(clientConstants.KIND_TEXT, text.getBytes(StandardCharsets.UTF_8))
          .whenComplete((seq, failure) -> view.print(failure == null
              ? "[" + seq + "] you: " + text + " (sent)"
              : "* not sent: " + text + " (" + failure.getMessage() + ")"));
      client.typing(false);
    }
  }

  private JsonNode readLocal(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw Cli.usageError(spec, "cannot read " + file + ": " + e.getMessage());
    }
  }
}
