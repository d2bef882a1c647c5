package io.presenter.protocol.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presenter.protocol.client.thrift.ClientFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.thrift.TBase;
import org.apache.thrift.TFieldIdEnum;
import org.apache.thrift.meta_data.EnumMetaData;
import org.apache.thrift.meta_data.FieldMetaData;
import org.apache.thrift.meta_data.FieldValueMetaData;
import org.apache.thrift.meta_data.ListMetaData;
import org.apache.thrift.meta_data.StructMetaData;
import org.apache.thrift.protocol.TType;

/**
 * The JSON form of client frames used by {@code docs/protocol-vectors.json}: a struct or union is
 * an object keyed by IDL field names (absent fields omitted), {@code i64} a decimal string (exact
 * in every language), {@code i32} a number, {@code bool} a boolean, {@code binary} standard padded
 * base64, an enum its IDL name, a list an array. Driven by the generated Thrift metadata, so every
 * field of the IDL is covered without a change here.
 *
 * <p>Reading also accepts {@code {"$repeat": "ab", "times": n}} in place of a string or binary
 * value: the string repeated n times (its UTF-8 bytes for binary), for large values the file
 * should not spell out.
 */
public final class FrameJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String REPEAT = "$repeat";

  private FrameJson() {}

  /** The JSON form of {@code struct} (a ClientFrame or any struct in it). */
  public static ObjectNode toJson(TBase<?, ?> struct) {
    ObjectNode out = NODES.objectNode();
    metaData(struct.getClass())
        .forEach(
            (field, meta) -> {
              if (isSet(struct, field)) {
                out.set(field.getFieldName(), value(getField(struct, field), meta.valueMetaData));
              }
            });
    return out;
  }

  /**
   * The ClientFrame {@code json} describes.
   *
   * @throws IllegalArgumentException for a name the IDL does not have or a value of the wrong type
   */
  public static ClientFrame frame(JsonNode json) {
    return struct(json, ClientFrame.class);
  }

  private static JsonNode value(Object value, FieldValueMetaData meta) {
    if (meta.isBinary()) {
      byte[] bytes = value instanceof ByteBuffer b ? toArray(b) : (byte[]) value;
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    return switch (meta.type) {
      case TType.BOOL -> NODES.booleanNode((Boolean) value);
      case TType.BYTE, TType.I16, TType.I32 -> NODES.numberNode(((Number) value).intValue());
      case TType.I64 -> NODES.textNode(Long.toString((Long) value));
      case TType.STRING -> NODES.textNode((String) value);
      case TType.ENUM -> NODES.textNode(((Enum<?>) value).name());
      case TType.STRUCT -> toJson((TBase<?, ?>) value);
      case TType.LIST -> {
        ArrayNode array = NODES.arrayNode();
        for (Object element : (List<?>) value) {
          array.add(value(element, ((ListMetaData) meta).elemMetaData));
        }
        yield array;
      }
      default -> throw new IllegalArgumentException("no JSON form for Thrift type " + meta.type);
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T extends TBase<?, ?>> T struct(JsonNode json, Class<T> type) {
    if (!json.isObject()) {
      throw new IllegalArgumentException(type.getSimpleName() + " must be a JSON object: " + json);
    }
    T struct;
    try {
      struct = type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    Map<? extends TFieldIdEnum, FieldMetaData> fields = metaData(type);
    for (Map.Entry<String, JsonNode> entry : json.properties()) {
      TFieldIdEnum field =
          fields.keySet().stream()
              .filter(f -> f.getFieldName().equals(entry.getKey()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          type.getSimpleName() + " has no field " + entry.getKey()));
      Object value = read(entry.getValue(), fields.get(field).valueMetaData, entry.getKey());
      ((TBase) struct).setFieldValue(field, value);
    }
    return struct;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object read(JsonNode json, FieldValueMetaData meta, String name) {
    if (meta.isBinary()) {
      return json.isObject()
          ? repeat(json).getBytes(StandardCharsets.UTF_8)
          : Base64.getDecoder().decode(text(json, name));
    }
    return switch (meta.type) {
      case TType.BOOL -> {
        require(json.isBoolean(), name, "a boolean", json);
        yield json.booleanValue();
      }
      case TType.I32 -> {
        require(json.isInt(), name, "an i32 number", json);
        yield json.intValue();
      }
      case TType.I64 -> Long.parseLong(text(json, name));
      case TType.STRING -> json.isObject() ? repeat(json) : text(json, name);
      case TType.ENUM -> Enum.valueOf((Class) ((EnumMetaData) meta).enumClass, text(json, name));
      case TType.STRUCT -> struct(json, ((StructMetaData) meta).structClass);
      case TType.LIST -> {
        require(json.isArray(), name, "an array", json);
        List<Object> list = new ArrayList<>();
        for (JsonNode element : json) {
          list.add(read(element, ((ListMetaData) meta).elemMetaData, name));
        }
        yield list;
      }
      default -> throw new IllegalArgumentException("no JSON form for Thrift type " + meta.type);
    };
  }

  private static String repeat(JsonNode json) {
    JsonNode unit = json.get(REPEAT);
    JsonNode times = json.get("times");
    if (unit == null || !unit.isTextual() || times == null || !times.isInt() || json.size() != 2) {
      throw new IllegalArgumentException("expected {\"$repeat\": string, \"times\": n}: " + json);
    }
    return unit.textValue().repeat(times.intValue());
  }

  private static String text(JsonNode json, String name) {
    require(json.isTextual(), name, "a string", json);
    return json.textValue();
  }

  private static void require(boolean ok, String name, String what, JsonNode json) {
    if (!ok) {
      throw new IllegalArgumentException(name + " must be " + what + ", not " + json);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<? extends TFieldIdEnum, FieldMetaData> metaData(Class<?> type) {
    return FieldMetaData.getStructMetaDataMap((Class) type);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean isSet(TBase<?, ?> struct, TFieldIdEnum field) {
    return ((TBase) struct).isSet(field);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object getField(TBase<?, ?> struct, TFieldIdEnum field) {
    return ((TBase) struct).getFieldValue(field);
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
