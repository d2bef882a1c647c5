package io.presenter.protocol.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presenter.protocol.client.thrift.ClientFrame;
import java.util.Map;

/** Builds one entry of the {@code exchanges} section, step by step. */
final class Exchange {
  static final String COUPLE = "$couple";

  private final ObjectNode json = ProtocolVectors.object();
  private final ArrayNode steps;

  Exchange(String name, String covers, String description, boolean direct) {
    json.put("name", name);
    json.put("covers", covers);
    json.put("description", description);
    ArrayNode listeners = json.putArray("listeners");
    listeners.add("gateway");
    if (direct) {
      listeners.add("direct");
    }
    steps = json.putArray("steps");
  }

  ObjectNode json() {
    return json;
  }

  /** The client writes these frames, in one write. */
  Exchange send(String conn, ClientFrame... frames) {
    ArrayNode items = step(conn).putArray("send");
    for (ClientFrame frame : frames) {
      items.addObject().set("frame", FrameJson.toJson(frame));
    }
    return this;
  }

  /** The client writes these JSON frames (which may hold placeholders), in one write. */
  Exchange sendJson(String conn, JsonNode... frames) {
    ArrayNode items = step(conn).putArray("send");
    for (JsonNode frame : frames) {
      items.addObject().set("frame", frame);
    }
    return this;
  }

  /** The client writes these bytes. */
  Exchange sendHex(String conn, byte[] bytes, String note) {
    ObjectNode item = step(conn).putArray("send").addObject();
    item.put("hex", RawFrame.hex(bytes));
    item.put("note", note);
    return this;
  }

  /**
   * The next frame the client receives. Fields at the {@code vary} pointers must be present but
   * are not compared (the value in {@code expected} is a stand-in and is left out of the file).
   */
  Exchange expect(String conn, ClientFrame expected, String... vary) {
    return expect(conn, FrameJson.toJson(expected), Map.of(), vary);
  }

  /** As {@link #expect(String, ClientFrame, String...)}, with the error message unchecked. */
  Exchange expectError(String conn, ClientFrame expected) {
    return expectError(conn, expected, null);
  }

  /**
   * An error frame whose message is human-readable: not compared, but it must contain {@code
   * mentions} when that is not null (PROTOCOL.md 3.5: BAD_REQUEST names the missing field).
   */
  Exchange expectError(String conn, ClientFrame expected, String mentions) {
    ObjectNode frame = FrameJson.toJson(expected);
    ((ObjectNode) frame.get("error")).remove("message");
    ObjectNode e = expect(conn, frame, Map.of(), new String[0]).lastExpect();
    if (mentions == null) {
      e.putArray("optional").add("/error/message");
    } else {
      e.putObject("contains").put("/error/message", mentions);
    }
    return this;
  }

  Exchange expect(String conn, ObjectNode frame, Map<String, String> contains, String... vary) {
    ObjectNode copy = frame.deepCopy();
    for (String pointer : vary) {
      remove(copy, pointer);
    }
    ObjectNode e = step(conn).putObject("expect");
    e.set("frame", copy);
    if (vary.length > 0) {
      ArrayNode v = e.putArray("vary");
      for (String pointer : vary) {
        v.add(pointer);
      }
    }
    if (!contains.isEmpty()) {
      ObjectNode c = e.putObject("contains");
      contains.forEach(c::put);
    }
    return this;
  }

  /** The server sends nothing more on {@code conn} and closes it. */
  Exchange expectClose(String conn) {
    step(conn).put("expectClose", true);
    return this;
  }

  private ObjectNode lastExpect() {
    return (ObjectNode) steps.get(steps.size() - 1).get("expect");
  }

  private ObjectNode step(String conn) {
    ObjectNode step = steps.addObject();
    step.put("conn", conn);
    return step;
  }

  private static void remove(ObjectNode root, String pointer) {
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = root.at(pointer.substring(0, slash));
    String name = pointer.substring(slash + 1);
    if (!(parent instanceof ObjectNode object) || object.remove(name) == null) {
      throw new IllegalArgumentException("nothing at " + pointer + " in " + root);
    }
  }
}
