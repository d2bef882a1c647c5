package io.presenter.launcher;

import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** {@code presenter token}: prints a signed JWT. */
final class TokenCommand {
  static final String USAGE =
      """
      usage: presenter token --user U --couple C [--device D] [--ttl 24h] [--key-file K]
        Prints an HS256 JWT for user U of couple C, signed with the signing key of the key file
        (default: ./local-data/keys.json, the local cluster's). --ttl takes s, m, h or d.
      """;

  private TokenCommand() {}

  static void run(String[] argv) {
    Args args = new Args(argv, 0, Set.of("user", "couple", "device", "ttl", "key-file"));
    if (args.help()) {
      System.out.print(USAGE);
      return;
    }
    TokenKeys keys = TokenKeys.load(Path.of(args.get("key-file", "local-data/keys.json")));
    Instant now = Instant.now();
    Duration ttl = Args.duration(args.get("ttl", "24h"));
    TokenClaims claims = new TokenClaims(args.require("user"), args.require("couple"), args.get("device", null), now, now.plus(ttl));
    System.out.println(new TokenSigner(keys).sign(claims));
  }
}
