package io.presenter.runtime.token;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An immutable set of HMAC-SHA256 token keys by key id ({@code kid}), and the id of the key that
 * signs new tokens.
 *
 * <p>Keys rotate by editing the key file: add the new key, deploy it to every verifier, make it the
 * signing key, and remove the old key once every token it signed has expired.
 *
 * <p>Key file format (secrets are standard Base64 of at least {@value #MIN_SECRET_BYTES} bytes):
 *
 * <pre>{"signingKid":"k2","keys":{"k1":"&lt;base64 secret&gt;","k2":"&lt;base64 secret&gt;"}}</pre>
 *
 * <p>{@link #toString()} never shows a secret.
 */
public final class TokenKeys {
  /** HS256 needs a key at least as long as its 256-bit output (RFC 7518, section 3.2). */
  public static final int MIN_SECRET_BYTES = 32;

  private static final int MAX_KID_CHARS = 128;
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String signingKid;
  private final Map<String, byte[]> secrets;

  private TokenKeys(String signingKid, Map<String, byte[]> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("token key set has no keys");
    }
    Map<String, byte[]> copy = new LinkedHashMap<>();
    secrets.forEach((kid, secret) -> copy.put(checkKid(kid), checkSecret(kid, secret).clone()));
    if (signingKid == null || !copy.containsKey(signingKid)) {
      throw new IllegalArgumentException(
          "signing kid " + signingKid + " is not one of the keys " + copy.keySet());
    }
    this.signingKid = signingKid;
    this.secrets = Collections.unmodifiableMap(copy);
  }

  /** A key set from raw secrets; the arrays are copied. */
  public static TokenKeys of(String signingKid, Map<String, byte[]> secrets) {
    return new TokenKeys(signingKid, secrets);
  }

  /** A key set with one new random 256-bit key, which signs. */
  public static TokenKeys generate(String kid) {
    byte[] secret = new byte[MIN_SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return new TokenKeys(kid, Map.of(checkKid(kid), secret));
  }

  /** Reads a key file (UTF-8 JSON, format in the class comment). */
  public static TokenKeys load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token key file " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("token key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses key file JSON (format in the class comment). */
  public static TokenKeys parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // The parser's message may quote the input, and the input holds secrets.
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException(
          "token keys are not valid JSON or repeat a name"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("token keys must be a JSON object");
    }
    JsonNode signing = root.get("signingKid");
    JsonNode keys = root.get("keys");
    if (signing == null || !signing.isTextual()) {
      throw new IllegalArgumentException("token keys need a string \"signingKid\"");
    }
    if (keys == null || !keys.isObject()) {
      throw new IllegalArgumentException("token keys need an object \"keys\" of kid -> base64");
    }
    Map<String, byte[]> secrets = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : keys.properties()) {
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException("key " + e.getKey() + " must be a base64 string");
      }
      try {
        secrets.put(e.getKey(), Base64.getDecoder().decode(e.getValue().textValue().trim()));
      } catch (IllegalArgumentException notBase64) {
        throw new IllegalArgumentException("key " + e.getKey() + " is not valid base64");
      }
    }
    return new TokenKeys(signing.textValue(), secrets);
  }

  /** The key file JSON for this key set; it contains the secrets. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("signingKid", signingKid);
    ObjectNode keys = root.putObject("keys");
    secrets.forEach((kid, secret) -> keys.put(kid, Base64.getEncoder().encodeToString(secret)));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize token keys", e);
    }
  }

  public String signingKid() {
    return signingKid;
  }

  /** Every key id in this set, in file order. */
  public Set<String> kids() {
    return secrets.keySet();
  }

  /** The secrets by kid; package-private and never to be modified or leaked. */
  Map<String, byte[]> secrets() {
    return secrets;
  }

  @Override
  public String toString() {
    return "TokenKeys[signingKid=" + signingKid + ", kids=" + secrets.keySet() + "]";
  }

  private static String checkKid(String kid) {
    if (kid == null || kid.isBlank() || kid.length() > MAX_KID_CHARS) {
      throw new IllegalArgumentException(
          "key id must be a non-blank string of at most " + MAX_KID_CHARS + " characters");
    }
    return kid;
  }

  private static byte[] checkSecret(String kid, byte[] secret) {
    if (secret == null || secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "key "
              + kid
              + " is "
              + (secret == null ? 0 : secret.length)
              + " bytes; HS256 keys must be at least "
              + MIN_SECRET_BYTES
              + " random bytes (256 bits)");
    }
    return secret;
  }
}
