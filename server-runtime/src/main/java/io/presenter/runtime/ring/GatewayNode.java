package io.presenter.runtime.ring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;

/**
 * One gateway as it publishes itself in ZooKeeper, the ephemeral node {@code <path>/<id>} (path
 * {@value #DEFAULT_PATH} by default, the gateway's {@code weights.path}), rewritten every weight
 * interval; a {@link GatewayDirectory} reads them all.
 *
 * <ul>
 *   <li>{@code id}: the gateway's id, which names its node (same rules as {@link Member}'s).
 *   <li>{@code address}: where clients reach it, {@code host:port} as advertised (IPv6 literals in
 *       brackets), non-blank; not parsed here.
 *   <li>{@code weight}: its current DNS weight, not negative (0 while draining).
 *   <li>{@code connections}: its open client connections, not negative.
 *   <li>{@code state}: serving or draining.
 * </ul>
 *
 * <p>Wire form (the znode data) is UTF-8 JSON:
 * {@code {"id":"gw-1","address":"10.0.0.7:443","weight":87,"connections":1200,"state":"serving"}}.
 * {@link #fromJson} ignores unknown fields; {@code connections} defaults to 0 when absent.
 */
public record GatewayNode(String id, String address, int weight, int connections, State state) {

  /** Where gateways publish unless configured otherwise ({@code weights.path}). */
  public static final String DEFAULT_PATH = "/presenter/gateways";

  private static final String KIND = "gateway";

  /** Whether the gateway takes new clients. */
  public enum State {
    SERVING("serving"),
    DRAINING("draining");

    private final String json;

    State(String json) {
      this.json = json;
    }

    /** The name in the wire form. */
    public String json() {
      return json;
    }

    static State ofJson(String text) {
      for (State s : values()) {
        if (s.json.equals(text)) {
          return s;
        }
      }
      throw new IllegalArgumentException("invalid gateway data: unknown \"state\": '" + text + "'");
    }
  }

  /** Validates every field; throws {@link IllegalArgumentException} naming the bad one. */
  public GatewayNode {
    NodeData.checkId(KIND, id);
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("gateway " + id + ": address must not be blank");
    }
    if (weight < 0 || connections < 0) {
      throw new IllegalArgumentException(
          "gateway " + id + ": negative weight or connections: " + weight + ", " + connections);
    }
    Objects.requireNonNull(state, "state");
  }

  /** True while the gateway drains (it then publishes weight 0). */
  public boolean draining() {
    return state == State.DRAINING;
  }

  /** Encodes this gateway as the UTF-8 JSON stored in its ZooKeeper node. */
  public byte[] toJson() {
    return NodeData.write(JsonNodeFactory.instance.objectNode()
        .put("id", id)
        .put("address", address)
        .put("weight", weight)
        .put("connections", connections)
        .put("state", state.json()));
  }

  /**
   * Decodes the JSON written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException if the data is null, larger than
   *     {@value NodeData#MAX_JSON_BYTES} bytes, not a JSON object, lacks {@code id},
   *     {@code address}, {@code weight} or {@code state}, has a field of the wrong type, or fails
   *     the field validation above; the message says which
   */
  public static GatewayNode fromJson(byte[] data) {
    JsonNode root = NodeData.read(KIND, data);
    return new GatewayNode(
        NodeData.text(KIND, root, "id"),
        NodeData.text(KIND, root, "address"),
        NodeData.integer(KIND, root, "weight", true, 0),
        NodeData.integer(KIND, root, "connections", false, 0),
        State.ofJson(NodeData.text(KIND, root, "state")));
  }
}
