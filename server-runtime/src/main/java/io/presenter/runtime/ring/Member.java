package io.presenter.runtime.ring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Objects;

/**
 * One chat server as it appears in the membership: its id (the couple-ownership identity, also
 * the name of its ZooKeeper node) and where to reach it.
 *
 * <ul>
 *   <li>{@code id}: non-blank, at most {@value #MAX_ID_LENGTH} characters, not {@code "."} or
 *       {@code ".."}, and none of the characters ZooKeeper refuses in a node name ({@code '/'},
 *       control characters, surrogates and private-use characters): it names the member's node.
 *   <li>{@code host}: non-blank host name or address.
 *   <li>{@code muxPort}: where gateways connect with the multiplexing protocol.
 *   <li>{@code clientPort}: the chat server's own TLS listener for direct clients, 0 if none.
 *   <li>{@code adminPort}: its HTTP admin endpoint, 0 if none.
 * </ul>
 * Ports are in 0..65535. Only {@code id} affects the ring layout (see {@link HashRing}).
 *
 * <p>Wire form (the znode data) is UTF-8 JSON:
 * {@code {"id":"chat-1","host":"10.0.0.5","muxPort":7100,"clientPort":7443,"adminPort":7180}}.
 * {@link #fromJson} ignores unknown fields so that newer servers can add some; {@code clientPort}
 * and {@code adminPort} default to 0 when absent.
 */
public record Member(String id, String host, int muxPort, int clientPort, int adminPort) {

  /** Upper bound of an id's length, in chars. */
  public static final int MAX_ID_LENGTH = 128;
  /** Upper bound of the encoded form accepted by {@link #fromJson}, in bytes. */
  public static final int MAX_JSON_BYTES = 4096;

  // ObjectReader and ObjectWriter are immutable and thread-safe.
  private static final ObjectReader READER = new ObjectMapper().reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectWriter WRITER = new ObjectMapper().writer();

  /** Validates every field; throws {@link IllegalArgumentException} naming the bad one. */
  public Member {
    checkId(id);
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("member " + id + ": host must not be blank");
    }
    checkPort(id, "muxPort", muxPort);
    checkPort(id, "clientPort", clientPort);
    checkPort(id, "adminPort", adminPort);
  }

  /** Encodes this member as the UTF-8 JSON stored in its ZooKeeper node. */
  public byte[] toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode()
        .put("id", id)
        .put("host", host)
        .put("muxPort", muxPort)
        .put("clientPort", clientPort)
        .put("adminPort", adminPort);
    try {
      return WRITER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + this, e); // not reachable for a tree
    }
  }

  /**
   * Decodes the JSON written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException if the data is null, too large, not a JSON object, lacks
   *     {@code id}, {@code host} or {@code muxPort}, has a field of the wrong type, or fails the
   *     field validation above; the message says which
   */
  public static Member fromJson(byte[] data) {
    if (data == null || data.length == 0) {
      throw new IllegalArgumentException("invalid member data: empty");
    }
    if (data.length > MAX_JSON_BYTES) {
      throw new IllegalArgumentException(
          "invalid member data: " + data.length + " bytes, limit " + MAX_JSON_BYTES);
    }
    JsonNode root;
    try {
      root = READER.readTree(data);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid member data: not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid member data: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("invalid member data: not a JSON object");
    }
    return new Member(
        text(root, "id"),
        text(root, "host"),
        port(root, "muxPort", true),
        port(root, "clientPort", false),
        port(root, "adminPort", false));
  }

  private static String text(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("invalid member data: missing \"" + field + "\"");
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("invalid member data: \"" + field + "\" is not a string");
    }
    return value.textValue();
  }

  private static int port(JsonNode root, String field, boolean required) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new IllegalArgumentException("invalid member data: missing \"" + field + "\"");
      }
      return 0;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new IllegalArgumentException("invalid member data: \"" + field + "\" is not an integer");
    }
    return value.intValue();
  }

  private static void checkId(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank() || id.length() > MAX_ID_LENGTH || id.equals(".") || id.equals("..")) {
      throw new IllegalArgumentException(
          "member id must be non-blank, at most " + MAX_ID_LENGTH + " chars, not . or ..: '" + id + "'");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '/' || Character.isISOControl(c) || (c >= '\ud800' && c <= '\uf8ff') || c >= '\ufff0') {
        throw new IllegalArgumentException("member id has a character ZooKeeper refuses in a node name"
            + " ('/', control, surrogate or private use) at index " + i + ": '" + id + "'");
      }
    }
  }

  private static void checkPort(String id, String name, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("member " + id + ": " + name + " out of range: " + port);
    }
  }
}
