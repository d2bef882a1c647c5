package io.presenter.launcher;

import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code presenter token}: prints a signed JWT. */
@Command(name = "token", description = {
    "mint an auth token (JWT) for a user of a couple",
    "",
    "Prints an HS256 JWT for user U of couple C, signed with the signing key of the key file."})
final class TokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--user", paramLabel = "U", required = true, description = "the user")
  String user;

  @Option(names = "--couple", paramLabel = "C", required = true, description = "the user's couple")
  String couple;

  @Option(names = "--device", paramLabel = "D", description = "a device id to put in the token (default: none)")
  String device;

  @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h",
      description = "how long the token is valid, e.g. 90m, 24h, 7d (default ${DEFAULT-VALUE})")
  Duration ttl;

  @Option(names = "--key-file", paramLabel = "K", defaultValue = "local-data/keys.json",
      description = "the token key file (default ${DEFAULT-VALUE}, the local cluster's)")
  Path keyFile;

  @Override
  public Integer call() {
    TokenKeys keys = TokenKeys.load(keyFile);
    Instant now = Instant.now();
    spec.commandLine().getOut().println(new TokenSigner(keys).sign(new TokenClaims(user, couple, device, now, now.plus(ttl))));
    return 0;
  }
}
