package io.presenter.gateway.weight;

import io.presenter.gateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * Builds the TSIG key that signs RFC 2136 updates from the config. The secret comes from exactly
 * one of: the literal {@code secret}, the environment variable named by {@code secret-env}, or the
 * file {@code secret-file} (base64, surrounding whitespace ignored). Error messages never include
 * it.
 */
final class TsigKey {
  private TsigKey() {}

  static TSIG from(GatewayConfig.Tsig config) {
    if (config.keyName().isBlank()) {
      throw new IllegalArgumentException("weights.rfc2136.tsig.key-name is not set");
    }
    Name algorithm;
    try {
      algorithm = TSIG.algorithmToName(config.algorithm());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown TSIG algorithm in weights.rfc2136.tsig.algorithm: " + config.algorithm(), e);
    }
    try {
      return new TSIG(algorithm, Name.fromString(config.keyName(), Name.root), decode(secret(config)));
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad TSIG key name: " + config.keyName(), e);
    }
  }

  private static String secret(GatewayConfig.Tsig config) {
    int given = (config.secret().isEmpty() ? 0 : 1) + (config.secretEnv().isEmpty() ? 0 : 1) + (config.secretFile().isEmpty() ? 0 : 1);
    if (given != 1) {
      throw new IllegalArgumentException("set exactly one of weights.rfc2136.tsig.secret, secret-env, secret-file");
    }
    if (!config.secret().isEmpty()) {
      return config.secret();
    }
    if (!config.secretEnv().isEmpty()) {
      String value = System.getenv(config.secretEnv());
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("environment variable " + config.secretEnv() + " (TSIG secret) is not set");
      }
      return value;
    }
    try {
      return Files.readString(Path.of(config.secretFile()), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the TSIG secret file " + config.secretFile() + ": " + e);
    }
  }

  private static byte[] decode(String base64) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the TSIG secret is not valid base64"); // the secret itself stays out
    }
    if (key.length == 0) {
      throw new IllegalArgumentException("the TSIG secret is empty");
    }
    return key;
  }
}
