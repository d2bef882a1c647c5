package io.presenter.protocol.vectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presenter.protocol.client.ClientFrameCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Generates {@code docs/protocol-vectors.json}, the client protocol's conformance vectors, from the
 * project's own codecs and token format. {@code ProtocolVectorsTest} fails while the committed file
 * differs from what this produces; after a deliberate change, rewrite it with {@code ./mvnw -pl
 * protocol -am verify -Dtest=ProtocolVectorsTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dvectors.write=true} (or run {@link #main}) and review the diff.
 */
public final class ProtocolVectors {
  /** The file, relative to the repository root. */
  public static final String FILE = "docs/protocol-vectors.json";

  /** The limits every vector assumes (PROTOCOL.md 3.2, 5): the receiver's defaults. */
  static final int MAX_FRAME_SIZE = ClientFrameCodec.DEFAULT_MAX_FRAME_BYTES;

  static final int MAX_AUTH_FRAME_BYTES = ClientFrameCodec.DEFAULT_MAX_AUTH_FRAME_BYTES;
  static final int MAX_BODY_BYTES = 65536;

  static final JsonMapper JSON = JsonMapper.builder().build();

  private ProtocolVectors() {}

  /** Rewrites the file of the checkout the working directory is in. */
  public static void main(String[] args) throws IOException {
    Files.writeString(path(), generate(), StandardCharsets.UTF_8);
  }

  /** The file's content as the code generates it now. */
  public static String generate() {
    ObjectNode root = JSON.createObjectNode();
    root.put("description", VectorSchema.DESCRIPTION);
    root.put("version", 1);
    root.set("schema", VectorSchema.schema());
    ObjectNode limits = root.putObject("limits");
    limits.put("maxFrameSize", MAX_FRAME_SIZE);
    limits.put("maxAuthFrameBytes", MAX_AUTH_FRAME_BYTES);
    limits.put("maxBodyBytes", MAX_BODY_BYTES);
    limits.put("maxClientMessageIdChars", 64);
    limits.put("maxDeviceIdChars", 64);
    root.set("token", TokenVector.generate());
    FrameVectors frames = new FrameVectors();
    root.set("frames", frames.valid());
    root.set("invalidFrames", frames.invalid());
    root.set("decodeOnlyFrames", frames.decodeOnly());
    root.set("exchanges", ExchangeVectors.generate());
    return write(root);
  }

  /** The committed file. */
  public static JsonNode load() {
    try {
      return JSON.readTree(Files.readString(path(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@value #FILE} in the checkout that holds the working directory (a module or the root). */
  public static Path path() {
    Path dir = Path.of("").toAbsolutePath();
    for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("docs")) && Files.exists(dir.resolve("pom.xml"))) {
        return dir.resolve(FILE);
      }
    }
    throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
  }

  /** Pretty JSON where any object or array that fits in {@value #LINE} characters stays on one line. */
  static String write(JsonNode root) {
    StringBuilder out = new StringBuilder();
    write(root, "", out);
    return out.append('\n').toString();
  }

  private static final int LINE = 100;

  private static void write(JsonNode node, String indent, StringBuilder out) {
    String inline = inline(node);
    if (!node.isContainerNode() || node.isEmpty() || indent.length() + inline.length() <= LINE) {
      out.append(inline);
      return;
    }
    String inner = indent + "  ";
    out.append(node.isObject() ? "{\n" : "[\n");
    boolean first = true;
    for (Map.Entry<String, JsonNode> e : entries(node)) {
      out.append(first ? "" : ",\n").append(inner);
      if (e.getKey() != null) {
        out.append(inline(JSON.getNodeFactory().textNode(e.getKey()))).append(": ");
      }
      write(e.getValue(), inner, out);
      first = false;
    }
    out.append('\n').append(indent).append(node.isObject() ? '}' : ']');
  }

  private static String inline(JsonNode node) {
    if (!node.isContainerNode()) {
      try {
        return JSON.writeValueAsString(node);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    StringBuilder out = new StringBuilder(node.isObject() ? "{" : "[");
    boolean first = true;
    for (Map.Entry<String, JsonNode> e : entries(node)) {
      out.append(first ? "" : ", ");
      if (e.getKey() != null) {
        out.append(inline(JSON.getNodeFactory().textNode(e.getKey()))).append(": ");
      }
      out.append(inline(e.getValue()));
      first = false;
    }
    return out.append(node.isObject() ? '}' : ']').toString();
  }

  /** An object's members, or an array's elements with null names. */
  private static List<Map.Entry<String, JsonNode>> entries(JsonNode node) {
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
    if (node.isObject()) {
      node.properties().forEach(entries::add);
    } else {
      node.forEach(element -> entries.add(new AbstractMap.SimpleImmutableEntry<>(null, element)));
    }
    return entries;
  }

  static ArrayNode array() {
    return JSON.createArrayNode();
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }
}
