package io.presenter.runtime.ring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Objects;

/**
 * The JSON and node-name rules shared by the records stored in ZooKeeper nodes ({@link Member},
 * {@link GatewayNode}); {@code kind} names the record in error messages.
 */
final class NodeData {
  /** Upper bound of an id's length, in chars. */
  static final int MAX_ID_LENGTH = 128;
  /** Upper bound of an encoded record, in bytes. */
  static final int MAX_JSON_BYTES = 4096;

  // ObjectReader and ObjectWriter are immutable and thread-safe.
  private static final ObjectReader READER = new ObjectMapper().reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectWriter WRITER = new ObjectMapper().writer();

  private NodeData() {}

  static byte[] write(ObjectNode node) {
    try {
      return WRITER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + node, e); // not reachable for a tree
    }
  }

  /** The JSON object in {@code data}, at most {@link #MAX_JSON_BYTES}. */
  static JsonNode read(String kind, byte[] data) {
    if (data == null || data.length == 0) {
      throw new IllegalArgumentException("invalid " + kind + " data: empty");
    }
    if (data.length > MAX_JSON_BYTES) {
      throw new IllegalArgumentException(
          "invalid " + kind + " data: " + data.length + " bytes, limit " + MAX_JSON_BYTES);
    }
    JsonNode root;
    try {
      root = READER.readTree(data);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid " + kind + " data: not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid " + kind + " data: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("invalid " + kind + " data: not a JSON object");
    }
    return root;
  }

  static String text(String kind, JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("invalid " + kind + " data: missing \"" + field + "\"");
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("invalid " + kind + " data: \"" + field + "\" is not a string");
    }
    return value.textValue();
  }

  /** The integer {@code field}; {@code absent} when it is missing, unless required. */
  static int integer(String kind, JsonNode root, String field, boolean required, int absent) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new IllegalArgumentException("invalid " + kind + " data: missing \"" + field + "\"");
      }
      return absent;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new IllegalArgumentException("invalid " + kind + " data: \"" + field + "\" is not an integer");
    }
    return value.intValue();
  }

  /** Checks that {@code id} can name a ZooKeeper node (see {@link Member} for the rules). */
  static void checkId(String kind, String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank() || id.length() > MAX_ID_LENGTH || id.equals(".") || id.equals("..")) {
      throw new IllegalArgumentException(
          kind + " id must be non-blank, at most " + MAX_ID_LENGTH + " chars, not . or ..: '" + id + "'");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '/' || Character.isISOControl(c) || (c >= '\ud800' && c <= '\uf8ff') || c >= '\ufff0') {
        throw new IllegalArgumentException(kind + " id has a character ZooKeeper refuses in a node name"
            + " ('/', control, surrogate or private use) at index " + i + ": '" + id + "'");
      }
    }
  }
}
