package io.presenter.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Set;
import java.util.UUID;

/**
 * {@code presenter chat}: an interactive terminal client built on {@link PresenterClient}. The main
 * thread reads stdin; everything printed comes from the client's event loop through {@link
 * ChatView}.
 */
final class ChatCommand {
  static final String USAGE =
      """
      usage: presenter chat --gateway HOST:PORT[,HOST:PORT...] --token T [--ca FILE] [--device D]
             presenter chat --local DATA_DIR --token T [--device D]
        An interactive chat client for one user of a couple (the token says which). On connect it
        prints the history, then incoming messages as "[seq] sender: text", and lines starting
        with "*" for the partner's typing, read marker, presence and connection changes. Every line
        you type is sent and printed again as "[seq] you: text (sent)" once the server stored it.
        It reconnects with backoff and resumes without losing or repeating messages. Ctrl-D quits.
        --ca      CA certificate to trust (default local-data/tls/ca.pem)
        --local   take the CA and the gateways from DATA_DIR/local.json (see presenter local)
        --device  device id (default: a random cli-XXXXXXXX)
        Typing: a terminal hands over whole lines only, so "typing" is sent when a line is entered,
        just before the message, and cleared right after it.
      """;

  private ChatCommand() {}

  static void run(String[] argv) throws Exception {
    Args args = new Args(argv, 0, Set.of("gateway", "token", "ca", "device", "local"));
    if (args.help()) {
      System.out.print(USAGE);
      return;
    }
    String token = args.require("token");
    List<String> gateways = new ArrayList<>();
    File ca;
    String local = args.get("local", null);
    if (local != null) {
      JsonNode description = readLocal(Path.of(local, "local.json"));
      description.path("gateways").forEach(g -> gateways.add(g.path("address").asText()));
      ca = new File(args.get("ca", description.path("ca").asText()));
    } else {
      gateways.addAll(List.of(args.require("gateway").split(",")));
      ca = new File(args.get("ca", "local-data/tls/ca.pem"));
    }
    if (!ca.isFile()) {
      throw new Args.UsageException("no CA file " + ca);
    }
    ChatView view = new ChatView(System.out);
    PresenterClient.Builder builder = PresenterClient.builder()
        .trustedCa(ca)
        .tokens(() -> token)
        .deviceId(args.get("device", "cli-" + UUID.randomUUID().toString().substring(0, 8)))
        .clientVersion("presenter-chat")
        .listener(view);
    for (String g : gateways) {
      int colon = g.lastIndexOf(':');
      if (colon < 1) {
        throw new Args.UsageException("--gateway takes HOST:PORT, not " + g);
      }
      try {
        builder.gateway(g.substring(0, colon), Integer.parseInt(g.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new Args.UsageException("bad port in " + g);
      }
    }
    if (gateways.isEmpty()) {
      throw new Args.UsageException("no gateway given");
    }
    try (PresenterClient client = builder.build()) {
      view.attach(client);
      view.print("* connecting to " + String.join(", ", gateways) + " ...");
      client.connect();
      readLines(client, view);
    }
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

  private static JsonNode readLocal(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new Args.UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
