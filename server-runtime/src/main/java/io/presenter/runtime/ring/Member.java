package io.presenter.runtime.ring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

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

  private static final String KIND = "member";
  /** Upper bound of an id's length, in chars. */
  public static final int MAX_ID_LENGTH = NodeData.MAX_ID_LENGTH;
  /** Upper bound of the encoded form accepted by {@link #fromJson}, in bytes. */
  public static final int MAX_JSON_BYTES = NodeData.MAX_JSON_BYTES;

  /** Validates every field; throws {@link IllegalArgumentException} naming the bad one. */
  public Member {
    NodeData.checkId(KIND, id);
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("member " + id + ": host must not be blank");
    }
    checkPort(id, "muxPort", muxPort);
    checkPort(id, "clientPort", clientPort);
    checkPort(id, "adminPort", adminPort);
  }

  /** Encodes this member as the UTF-8 JSON stored in its ZooKeeper node. */
  public byte[] toJson() {
    return NodeData.write(JsonNodeFactory.instance.objectNode()
        .put("id", id)
        .put("host", host)
        .put("muxPort", muxPort)
        .put("clientPort", clientPort)
        .put("adminPort", adminPort));
  }

  /**
   * Decodes the JSON written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException if the data is null, too large, not a JSON object, lacks
   *     {@code id}, {@code host} or {@code muxPort}, has a field of the wrong type, or fails the
   *     field validation above; the message says which
   */
  public static Member fromJson(byte[] data) {
    JsonNode root = NodeData.read(KIND, data);
    return new Member(
        NodeData.text(KIND, root, "id"),
        NodeData.text(KIND, root, "host"),
        NodeData.integer(KIND, root, "muxPort", true, 0),
        NodeData.integer(KIND, root, "clientPort", false, 0),
        NodeData.integer(KIND, root, "adminPort", false, 0));
  }

  private static void checkPort(String id, String name, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("member " + id + ": " + name + " out of range: " + port);
    }
  }
}
